// Usage: node expand.mjs <URL> [jsonLiteralTerm ...]
// Fetches an ActivityPub document, expands it as JSON-LD, and checks that every term it uses
// (at any depth, except inside the named @json literal terms) expands to an absolute IRI: no term
// dropped for want of a definition, none turned into a blank-node term. Prints
// {"ok":true,"terms":N,"expanded":...} on success, or the error on stderr with exit code 1. Contexts: ActivityStreams and security/v1 come preloaded from
// Fedify's document loader; any other context URL is fetched (loopback only).
import jsonld from "jsonld";
import { getDocumentLoader } from "@fedify/vocab-runtime";

const target = process.argv[2];
if (!target) { console.error("usage: node expand.mjs <URL>"); process.exit(2); }
const u = new URL(target);
if (!["localhost", "127.0.0.1", "[::1]"].includes(u.hostname)) {
  console.error("refusing a non-loopback URL"); process.exit(2);
}
const loader = getDocumentLoader({ allowPrivateAddress: true });
try {
  const res = await fetch(target, { headers: { Accept: "application/activity+json" } });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${target}`);
  const doc = await res.json();
  const expanded = await jsonld.expand(doc, { documentLoader: loader });
  // jsonld.js drops undefined terms silently, so probe each term used anywhere in the document
  // (outside @json literals) on its own: it must expand to an absolute IRI, not vanish or become
  // a blank-node term.
  const used = new Set();
  const jsonLiterals = new Set(process.argv.slice(3)); // terms typed @json, e.g. directoryEntry
  const walk = (v) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) {
      if (k === "@context") continue;
      used.add(k);
      // Language maps (nameMap, contentMap...) have language tags as keys, not terms.
      if (!jsonLiterals.has(k) && !k.endsWith("Map")) walk(x);
    }
  };
  walk(doc);
  const bad = [];
  for (const term of used) {
    if (term.startsWith("@") || term === "id" || term === "type") continue;
    const probe = await jsonld.expand({ "@context": doc["@context"], "@id": "http://probe.invalid/", [term]: "x" },
      { documentLoader: loader });
    const keys = Object.keys(probe[0] ?? {}).filter((k) => k !== "@id");
    if (keys.length !== 1 || !/^[a-z][a-z0-9+.-]*:/i.test(keys[0]) || keys[0].startsWith("_:")) bad.push(term);
  }
  if (bad.length) throw new Error(`terms dropped or not expanded to IRIs: ${bad.join(", ")}`);
  console.log(JSON.stringify({ ok: true, terms: used.size, expanded }));
} catch (e) {
  console.error(`expansion failed: ${e.message}${e.details ? " " + JSON.stringify(e.details).slice(0, 500) : ""}`);
  process.exit(1);
}
