#!/usr/bin/env python3
"""Checks the OpenAPI document served by the instance (server/assets/openapi.json).

1. The document is a valid OpenAPI 3.1 document (openapi-spec-validator).
2. Every route of the server (`.route("...", ...)` in server/src) under /api/, and the health
   routes, is documented with each of its HTTP methods; every documented path and method is
   routed. `/api/v1/{kind}` stands for the collections named in `parse_kind` (entries.rs).
3. Every example (media types, parameters, headers, and `examples` in schemas) validates
   against its schema with jsonschema (draft 2020-12, the dialect of OpenAPI 3.1), formats
   asserted; every component example is used. Every entry of assets/demo.json (loaded through
   the server's own validation) is accepted by the request schema of its kind.
4. The document agrees with the code: enum strings and defaults (model.rs `string_enum!`,
   `Kind`), field names and limits (validate.rs), taxonomy codes (assets/taxonomy.json),
   country codes, version and licence (Cargo.toml).

Needs Python 3.11+ and `pip install openapi-spec-validator==0.9.0` (which brings
jsonschema 4.26 and referencing). Usage: python3 tests/openapi_check.py [path/to/openapi.json]
The last line is `N passed, M failed`; the exit status is 1 when anything failed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "server" / "src"
DOC_PATH = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "server" / "assets" / "openapi.json"

# Documented paths whose route may not exist yet: a warning, not a failure, while unrouted.
PENDING_ROUTES: set = set()
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BASE_URI = "https://passerelle.invalid/openapi.json"

passed = 0
failed = 0


def ok(name: str) -> None:
    global passed
    passed += 1
    print(f"ok    {name}")


def fail(name: str, detail: str) -> None:
    global failed
    failed += 1
    print(f"FAIL  {name}: {detail}")


def check(name: str, condition: bool, detail: str = "") -> None:
    ok(name) if condition else fail(name, detail)


def finish() -> None:
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(doc: dict, ref: str):
    if not ref.startswith("#/"):
        raise KeyError(f"external $ref {ref}")
    node = doc
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


# --- 1. OpenAPI validity -----------------------------------------------------------------------

def check_spec(doc: dict) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    check("openapi version is 3.1.x", str(doc.get("openapi", "")).startswith("3.1."), doc.get("openapi"))
    try:
        errors = list(OpenAPIV31SpecValidator(doc).iter_errors())
    except Exception as e:  # e.g. an unresolvable $ref stops the validator
        fail("OpenAPI 3.1 validity", f"{type(e).__name__}: {str(e)[:300]}")
        return
    if errors:
        for e in errors:
            fail("OpenAPI 3.1 validity", f"{e.message} at {pointer(e.path)}")
    else:
        ok("OpenAPI 3.1 validity (openapi-spec-validator)")
    op_ids = [
        op.get("operationId")
        for item in doc.get("paths", {}).values()
        for m, op in item.items()
        if m in HTTP_METHODS
    ]
    check("operationIds present and unique", None not in op_ids and len(op_ids) == len(set(op_ids)),
          f"{op_ids}")


# --- 2. routes ---------------------------------------------------------------------------------

def route_calls(text: str):
    """(path, call text after the path) of every `.route("...", ...)` call."""
    for m in re.finditer(r"\.route\(", text):
        i, depth, in_str = m.end() - 1, 0, False
        start = i
        while i < len(text):
            c = text[i]
            if in_str:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        call = text[start + 1 : i]
        lit = re.match(r'\s*"((?:[^"\\]|\\.)*)"\s*,(.*)$', call, re.S)
        if lit:
            yield lit.group(1), lit.group(2)


def norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def check_routes(doc: dict) -> None:
    entries_rs = (SRC / "http" / "entries.rs").read_text()
    kinds = re.findall(r'"([a-z]+)"\s*=>\s*Ok\(Kind::', entries_rs)
    check("collections found in parse_kind", len(kinds) > 0, "no `\"x\" => Ok(Kind::…)` arms")

    routed: dict[str, set[str]] = {}
    for rs in sorted(SRC.rglob("*.rs")):
        for path, rest in route_calls(rs.read_text()):
            methods = set(re.findall(r"(?<![A-Za-z0-9_])(get|post|put|patch|delete|head|options|trace)\s*\(", rest))
            if re.search(r"(?<![A-Za-z0-9_])(any|on|method_router)\s*\(", rest) or not methods:
                fail(f"route {path}", f"cannot tell its methods in {rs.relative_to(ROOT)}: {rest.strip()[:80]}")
                continue
            expanded = [path.replace("{kind}", k) for k in kinds] if "{kind}" in path else [path]
            for p in expanded:
                routed.setdefault(norm(p), set()).update(methods)

    documented: dict[str, set[str]] = {}
    for p, item in doc.get("paths", {}).items():
        documented.setdefault(norm(p), set()).update(m for m in item if m in HTTP_METHODS)

    health = {"/healthz", "/readyz"}
    for p in sorted(routed):
        if not (p.startswith("/api/") or p in health):
            continue
        for m in sorted(routed[p]):
            check(f"route {m.upper()} {p} documented", m in documented.get(p, set()),
                  "missing from the document's paths")
    for p in sorted(documented):
        for m in sorted(documented[p]):
            if m in routed.get(p, set()):
                ok(f"documented {m.upper()} {p} is routed")
            elif (p, m) in PENDING_ROUTES:
                print(f"warn  documented {m.upper()} {p} is not routed yet (pending)")
            else:
                fail(f"documented {m.upper()} {p} is routed", "no such route in server/src")


# --- 3. examples -------------------------------------------------------------------------------

def format_checker():
    from jsonschema import FormatChecker

    fc = FormatChecker(formats=())

    @fc.checks("date", raises=ValueError)
    def _date(v):
        if not isinstance(v, str):
            return True
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return False
        dt.date.fromisoformat(v)
        return True

    @fc.checks("date-time", raises=ValueError)
    def _date_time(v):
        if not isinstance(v, str):
            return True
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", v)
        if not m:
            return False
        frac = (m.group(2) or "")[:7]
        tz = "+00:00" if m.group(3) in "Zz" else m.group(3)
        dt.datetime.fromisoformat(m.group(1).replace("t", "T") + frac + tz)
        return True

    @fc.checks("uri")
    def _uri(v):
        if not isinstance(v, str):
            return True
        parts = urllib.parse.urlsplit(v)
        return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and not re.search(r"\s", v)

    @fc.checks("uuid")
    def _uuid(v):
        return not isinstance(v, str) or bool(
            re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", v))

    @fc.checks("email")
    def _email(v):
        return not isinstance(v, str) or bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", v))

    return fc


def collect_examples(doc: dict):
    """(label, value, schema pointer) of every example, and the component examples used."""
    found, used = [], set()

    def example_value(ex, where):
        if isinstance(ex, dict) and "$ref" in ex:
            used.add(ex["$ref"])
            ex = resolve(doc, ex["$ref"])
        if not isinstance(ex, dict) or "value" not in ex:
            raise KeyError(f"example without a value at {where}")
        return ex["value"]

    def walk(node, parts, in_schema):
        if isinstance(node, dict):
            here = pointer(parts)
            if in_schema:
                for i, v in enumerate(node.get("examples", []) if isinstance(node.get("examples"), list) else []):
                    found.append((f"{here}/examples/{i}", v, here))
                if "example" in node:
                    found.append((f"{here}/example", node["example"], here))
            elif isinstance(node.get("schema"), dict):
                schema_ptr = here + "/schema"
                if "example" in node:
                    found.append((f"{here}/example", node["example"], schema_ptr))
                for name, ex in (node.get("examples") or {}).items():
                    found.append((f"{here}/examples/{name}", example_value(ex, here), schema_ptr))
            for k, v in node.items():
                child_in_schema = in_schema or k == "schema" or parts == ["components", "schemas"]
                if in_schema and k in ("examples", "example", "const", "enum", "default"):
                    continue
                if not in_schema and parts and parts[-1] == "examples" and k != "schema":
                    continue  # Example Objects: their values are data, not document structure
                walk(v, parts + [k], child_in_schema)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, parts + [i], in_schema)

    walk(doc, [], False)
    return found, used


def leaves(error):
    """The innermost errors under an error (allOf / anyOf / $ref failures)."""
    if not error.context:
        return []
    out = []
    for sub in error.context:
        out.extend(leaves(sub) or [sub])
    return out


def schema_check(doc: dict):
    """A function (label, value, schema pointer) that records a pass or a failure."""
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(BASE_URI, DRAFT202012.create_resource(doc))
    fc = format_checker()

    def run(label: str, value, schema_ptr: str) -> None:
        validator = Draft202012Validator({"$ref": f"{BASE_URI}#{schema_ptr}"}, registry=registry,
                                         format_checker=fc)
        try:
            errors = [leaf for e in validator.iter_errors(value) for leaf in (leaves(e) or [e])]
        except Exception as e:  # e.g. an unresolvable $ref
            fail(label, f"{type(e).__name__}: {str(e)[:300]}")
            return
        if errors:
            # Deepest first: the failing field itself, before "unevaluated properties" of its parents.
            errors.sort(key=lambda e: -len(e.absolute_path))
            lines = dict.fromkeys(f"{pointer(e.absolute_path) or '/'}: {e.message[:200]}" for e in errors)
            fail(label, "; ".join(list(lines)[:5]))
        else:
            ok(label)

    return run


def check_examples(doc: dict) -> None:
    run = schema_check(doc)
    try:
        found, used = collect_examples(doc)
    except KeyError as e:
        fail("examples readable", str(e))
        return
    check("examples found", len(found) > 0, "none")
    for label, value, schema_ptr in found:
        run(f"example {label}", value, schema_ptr)
    for name in doc.get("components", {}).get("examples", {}):
        ref = f"#/components/examples/{name}"
        check(f"component example {name} is used", ref in used, "never referenced")


def check_demo(doc: dict) -> None:
    """The demo entries are loaded through the server's validation: the request schemas must
    accept every one of them."""
    run = schema_check(doc)
    demo = json.loads((ROOT / "server" / "assets" / "demo.json").read_text(encoding="utf-8"))
    count = 0
    for org in demo.get("organizations", []):
        for plural, kind in (("services", "Service"), ("events", "Event"), ("offers", "Offer")):
            for i, entry in enumerate(org.get(plural, [])):
                body = {"organization": org["slug"], **entry}
                run(f"demo.json {org['slug']} {plural}[{i}] is a valid {kind}Create", body,
                    f"/components/schemas/{kind}Create")
                count += 1
    check("demo.json entries found", count > 0, "none")


# --- 4. agreement with the code ----------------------------------------------------------------

def schema(doc, name):
    return doc["components"]["schemas"][name]


def rust_str_list(text: str, const: str) -> list[str]:
    m = re.search(rf"const {const}\s*:[^=]*=\s*&?\[(.*?)\];", text, re.S)
    if not m:
        raise KeyError(f"const {const} not found")
    return re.findall(r'"([^"]*)"', m.group(1))


def rust_usize(text: str, const: str) -> int:
    m = re.search(rf"const {const}\s*:\s*usize\s*=\s*([0-9_]+)\s*;", text)
    if not m:
        raise KeyError(f"const {const} not found")
    return int(m.group(1).replace("_", ""))


def check_code_agreement(doc: dict) -> None:
    model = (SRC / "directory" / "model.rs").read_text()
    validate = (SRC / "directory" / "validate.rs").read_text()

    # Enums.
    enums = re.findall(r"string_enum!\s*\{.*?pub enum (\w+)\s*:\s*\"[^\"]*\"\s*\{(.*?)\n\s*\}\s*\n\s*\}", model, re.S)
    check("string enums found in model.rs", len(enums) >= 8, f"found {len(enums)}")
    for name, body in enums:
        values = re.findall(r'\w+\s*=\s*"([^"]*)"', body)
        default = re.search(r'#\[default\]\s*(?:///[^\n]*\n\s*)*\w+\s*=\s*"([^"]*)"', body)
        s = doc["components"]["schemas"].get(name)
        if s is None:
            fail(f"enum {name}", "no schema of that name")
            continue
        check(f"enum {name} values", s.get("enum") == values, f"document {s.get('enum')} != code {values}")
        check(f"enum {name} default", s.get("default") == (default.group(1) if default else None),
              f"document {s.get('default')!r} != code {default.group(1) if default else None!r}")
    kind_impl = re.search(r"impl Kind \{.*?fn as_str\(&self\)[^{]*\{(.*?)\n    \}", model, re.S)
    kinds = re.findall(r'=>\s*"(\w+)"', kind_impl.group(1)) if kind_impl else []
    check("enum Kind values", schema(doc, "Kind").get("enum") == kinds, f"{schema(doc, 'Kind').get('enum')} != {kinds}")

    # Taxonomy and countries.
    tax = json.loads((ROOT / "server" / "assets" / "taxonomy.json").read_text())
    cats = [c["code"] for c in tax["categories"]]
    helps = [h["code"] for h in tax["help_types"]]
    check("CategoryCode matches taxonomy.json", schema(doc, "CategoryCode").get("enum") == cats, "differs")
    check("HelpTypeCode matches taxonomy.json", schema(doc, "HelpTypeCode").get("enum") == helps, "differs")
    countries = re.findall(r'"([A-Z]{2})"', validate.split("COUNTRY_CODES", 1)[1].split("];", 1)[0])
    check("CountryCode matches COUNTRY_CODES", schema(doc, "CountryCode").get("enum") == countries, "differs")

    # Field names of each object.
    ignored = rust_str_list(validate, "IGNORED_FIELDS")
    pairs = {
        "SERVICE_FIELDS": "ServiceFields", "EVENT_FIELDS": "EventFields", "OFFER_FIELDS": "OfferFields",
        "LOCATION_FIELDS": "Location", "PHONE_FIELDS": "Phone", "SCHEDULE_FIELDS": "Schedule",
        "AREA_FIELDS": "Area", "AVAILABILITY_FIELDS": "Availability", "SAFETY_FIELDS": "Safety",
    }
    for const, name in pairs.items():
        code = rust_str_list(validate, const)
        documented = list(schema(doc, name).get("properties", {}))
        check(f"fields of {name} match {const}", sorted(documented) == sorted(code),
              f"only in document: {sorted(set(documented) - set(code))}, only in code: {sorted(set(code) - set(documented))}")
        if name.endswith("Fields"):
            kind = name[: -len("Fields")]
            inp = set(schema(doc, f"{kind}Input").get("properties", {}))
            check(f"{kind}Input accepts IGNORED_FIELDS", set(ignored) <= inp, f"missing {sorted(set(ignored) - inp)}")
            patch = schema(doc, f"{kind}Patch").get("propertyNames", {}).get("enum", [])
            check(f"{kind}Patch keys are the fields and IGNORED_FIELDS", sorted(patch) == sorted(set(code) | set(ignored)),
                  f"{sorted(patch)}")

    # Limits.
    def at(ptr):
        return resolve(doc, "#" + ptr)

    limits = [
        ("MAX_NAME_CHARS", "/components/schemas/LangMapName/maxLength"),
        ("MAX_NAME_CHARS", "/components/schemas/LangMapName/additionalProperties/maxLength"),
        ("MAX_TEXT_CHARS", "/components/schemas/LangMapText/maxLength"),
        ("MAX_TEXT_CHARS", "/components/schemas/LangMapText/additionalProperties/maxLength"),
        ("MAX_DESCRIPTION_CHARS", "/components/schemas/LangMapDescription/maxLength"),
        ("MAX_DESCRIPTION_CHARS", "/components/schemas/LangMapDescription/additionalProperties/maxLength"),
        ("MAX_MAP_LANGUAGES", "/components/schemas/LangMap/oneOf/0/maxProperties"),
        ("MAX_LOCATIONS", "/components/schemas/ServiceFields/properties/locations/maxItems"),
        ("MAX_SCHEDULES", "/components/schemas/ServiceFields/properties/schedules/maxItems"),
        ("MAX_PHONES", "/components/schemas/ServiceFields/properties/phones/maxItems"),
        ("MAX_URL_CHARS", "/components/schemas/HttpUrl/maxLength"),
        ("MAX_SHORT_CHARS", "/components/schemas/Location/properties/street_address/maxLength"),
        ("MAX_SHORT_CHARS", "/components/schemas/Location/properties/locality/maxLength"),
        ("MAX_SHORT_CHARS", "/components/schemas/Location/properties/region/maxLength"),
        ("MAX_SHORT_CHARS", "/components/schemas/Area/properties/locality/maxLength"),
        ("MAX_SHORT_CHARS", "/components/schemas/Timezone/maxLength"),
    ]
    for kind in ("Service", "Event", "Offer"):
        for field in ("categories", "languages") + (("help_types",) if kind == "Offer" else ()):
            limits.append(("MAX_LIST_ITEMS", f"/components/schemas/{kind}Fields/properties/{field}/maxItems"))
    limits.append(("MAX_LIST_ITEMS", "/components/schemas/Phone/properties/languages/maxItems"))
    for const, ptr in limits:
        try:
            code, documented = rust_usize(validate, const), at(ptr)
        except KeyError as e:
            fail(f"limit {const} at {ptr}", f"not found: {e}")
            continue
        check(f"limit {const} at {ptr}", code == documented, f"document {documented} != code {code}")

    # Version and licence.
    cargo = (ROOT / "Cargo.toml").read_text()
    version = re.search(r'^version\s*=\s*"([^"]+)"', cargo, re.M)
    licence = re.search(r'^license\s*=\s*"([^"]+)"', cargo, re.M)
    info = doc.get("info", {})
    check("info.version matches Cargo.toml", version and info.get("version") == version.group(1),
          f"{info.get('version')} != {version and version.group(1)}")
    check("info.license matches Cargo.toml",
          licence and info.get("license", {}).get("identifier") == licence.group(1),
          f"{info.get('license')} != {licence and licence.group(1)}")


def main() -> None:
    try:
        doc = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(f"read {DOC_PATH}", str(e))
        finish()
    ok(f"read {DOC_PATH.relative_to(ROOT) if DOC_PATH.is_relative_to(ROOT) else DOC_PATH}")
    try:
        import jsonschema  # noqa: F401
        import openapi_spec_validator  # noqa: F401
    except ImportError as e:
        fail("dependencies", f"{e}: pip install openapi-spec-validator==0.9.0")
        finish()
    check_spec(doc)
    check_routes(doc)
    check_examples(doc)
    check_demo(doc)
    check_code_agreement(doc)
    finish()


if __name__ == "__main__":
    main()
