#!/usr/bin/env node
// Strict resolver: asks Fedify (a real, third-party ActivityPub implementation) to fetch and
// parse something our server publishes, and prints what Fedify understood as ONE JSON object.
//
//   node tests/interop/resolve.mjs actor     <@user@host:port | acct:user@host:port | URL>
//   node tests/interop/resolve.mjs webfinger <acct:user@host:port | @user@host:port | URL>
//   node tests/interop/resolve.mjs nodeinfo  <origin URL>
//   node tests/interop/resolve.mjs object    <URL>
//   node tests/interop/resolve.mjs outbox    <URL>
//
// Exit status: 0 and one JSON object on stdout on success; 1 with a message on stderr when
// Fedify cannot fetch, parse or accept the target; 2 on a usage error; 3 on timeout
// (RESOLVE_TIMEOUT_MS, default 20000). Loopback only: any request to another host is refused.
// See README.md beside this file for the output shapes.
import {
  Activity,
  Collection,
  Link,
  Object as APObject,
  Place,
  PropertyValue,
  isActor,
  lookupObject,
  toAcctUrl,
  traverseCollection,
} from "@fedify/vocab";
import { LanguageString, exportSpki, getDocumentLoader } from "@fedify/vocab-runtime";
import { lookupWebFinger } from "@fedify/webfinger";
import { nodeInfoToJson, parseNodeInfo } from "@fedify/fedify";

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const MAX_OUTBOX_ITEMS = 50;

class ResolveError extends Error {}
const fail = (msg) => {
  throw new ResolveError(msg);
};

// --- loopback fetch shim ---------------------------------------------------------------
// Fedify always uses https:// for acct: WebFinger lookups; our test servers speak plain http on
// loopback, so https://localhost[:port] and https://127.0.0.1[:port] become http://. Every other
// host is refused outright, so a test can never reach the outside world through this script.
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  let u = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const parsed = new URL(u);
  if (!LOOPBACK.test(parsed.hostname)) {
    return Promise.reject(new TypeError(`resolve.mjs refuses a non-loopback request: ${u}`));
  }
  if (parsed.protocol === "https:") {
    u = "http:" + u.slice("https:".length);
    input = typeof input === "string" || input instanceof URL ? u : new Request(u, input);
  }
  return realFetch(input, init);
};

// The AS and security contexts (and the other common ones) are preloaded in this loader; any
// other context is fetched from its URL (our server serves its own over http on loopback).
const documentLoader = getDocumentLoader({ allowPrivateAddress: true });
const loaders = { documentLoader, contextLoader: documentLoader };

// --- small helpers ---------------------------------------------------------------------
const href = (v) => (v == null ? null : v instanceof URL ? v.href : v instanceof Link ? href(v.href) : v.id ? v.id.href : String(v));
// Class name as Fedify's vocabulary names it ("Object$1" is the bundler's name for Object).
const cls = (v) => (v == null ? null : v.constructor.name.replace(/\$\d+$/, ""));
const str = (v) => (v == null ? null : String(v));
// An error's message, with the low-level cause (ECONNREFUSED, …) that fetch() hides.
const errMsg = (e) => {
  const cause = e?.cause ? ` (${e.cause.code ?? e.cause.message ?? e.cause})` : "";
  return `${e?.message ?? e}${cause}`;
};
const isHandle = (t) => /^@?[^@/\s]+@[^@/\s]+$/.test(t) || t.startsWith("acct:");

// Language-tagged values of a multi-valued text property as {"fr": "...", "en": "..."}, or
// null when no value carries a language.
function langMap(values) {
  const map = {};
  for (const v of values ?? []) if (v instanceof LanguageString) map[v.locale.baseName] = v.toString();
  return Object.keys(map).length > 0 ? map : null;
}

// Collect an async iterable, turning a Fedify error into a ResolveError naming the property.
async function collect(what, iterable, limit = Infinity) {
  const out = [];
  try {
    for await (const x of iterable) {
      out.push(x);
      if (out.length >= limit) break;
    }
  } catch (e) {
    fail(`Fedify could not read ${what}: ${errMsg(e)}`);
  }
  return out;
}

// After lookupObject returned null, redo its steps one by one to say WHY.
async function explainLookupFailure(target) {
  let url = target;
  if (isHandle(target)) {
    const acct = toAcctUrl(target) ?? new URL(target);
    const jrd = await lookupWebFinger(acct, { allowPrivateAddress: true });
    if (jrd == null) return `WebFinger lookup of ${acct.href} failed (${await webfingerDiagnosis(acct)})`;
    const self = (jrd.links ?? []).find((l) => l.rel === "self" && l.href != null &&
      (l.type === "application/activity+json" || /^application\/ld\+json;\s*profile="https:\/\/www.w3.org\/ns\/activitystreams"/.test(l.type ?? "")));
    if (self == null) return `WebFinger JRD for ${acct.href} has no rel="self" link of type application/activity+json: ${JSON.stringify(jrd.links ?? null)}`;
    url = self.href;
  }
  let remote;
  try {
    remote = await documentLoader(url);
  } catch (e) {
    return `fetching ${url} failed: ${errMsg(e)}`;
  }
  let obj;
  try {
    obj = await APObject.fromJsonLd(remote.document, { ...loaders, baseUrl: new URL(remote.documentUrl) });
  } catch (e) {
    return `Fedify could not parse the JSON-LD document at ${remote.documentUrl}: ${errMsg(e)}\n${JSON.stringify(remote.document).slice(0, 2000)}`;
  }
  if (obj.id != null && obj.id.origin !== new URL(remote.documentUrl).origin) {
    return `the object's id ${obj.id.href} has a different origin than the document URL ${remote.documentUrl}`;
  }
  return `lookupObject returned null for ${url} (no further reason found)`;
}

// Plain fetch of the WebFinger URL Fedify would use, to report status / type / body.
async function webfingerDiagnosis(resource) {
  const server = resource.protocol === "acct:" ? resource.pathname.slice(resource.pathname.lastIndexOf("@") + 1) : resource.host;
  const proto = resource.protocol === "acct:" ? "https:" : resource.protocol;
  const url = new URL(`${proto}//${server}/.well-known/webfinger`);
  url.searchParams.set("resource", resource.href);
  try {
    const r = await fetch(url, { headers: { Accept: "application/jrd+json" }, redirect: "manual" });
    const body = (await r.text()).slice(0, 500);
    return `GET ${url.href} -> HTTP ${r.status}, Content-Type ${r.headers.get("content-type")}, body: ${body}`;
  } catch (e) {
    return `GET ${url.href} failed: ${errMsg(e)}`;
  }
}

// lookupObject with Fedify's own checks, plus: the object must have an id, and that id must
// dereference to itself (fetching it answers a document with the same id, with no redirect to
// another URL), as Mastodon requires.
async function strictLookup(target) {
  let obj;
  try {
    obj = await lookupObject(target, { ...loaders, allowPrivateAddress: true, crossOrigin: "throw" });
  } catch (e) {
    fail(`Fedify lookupObject(${target}) threw: ${errMsg(e)}`);
  }
  if (obj == null) fail(`Fedify could not resolve ${target}: ${await explainLookupFailure(target)}`);
  if (obj.id == null) fail(`the object resolved from ${target} has no id`);
  let remote;
  try {
    remote = await documentLoader(obj.id.href);
  } catch (e) {
    fail(`the object's id ${obj.id.href} does not dereference: ${errMsg(e)}`);
  }
  if (remote.documentUrl !== obj.id.href) fail(`fetching id ${obj.id.href} ended at ${remote.documentUrl}`);
  const again = await APObject.fromJsonLd(remote.document, { ...loaders, baseUrl: new URL(remote.documentUrl) })
    .catch((e) => fail(`Fedify could not parse the document at ${obj.id.href}: ${errMsg(e)}`));
  if (again.id?.href !== obj.id.href) fail(`the document at ${obj.id.href} has id ${again.id?.href}`);
  return obj;
}

// Mastodon's loop-back: WebFinger acct:preferredUsername@host-of-id must name the id as its
// rel="self" link. Returns "@user@host" when it does, else null (not an error by itself).
async function verifiedHandle(actor) {
  if (actor.preferredUsername == null || actor.id == null) return null;
  const acct = new URL(`acct:${actor.preferredUsername}@${actor.id.host}`);
  const jrd = await lookupWebFinger(acct, { allowPrivateAddress: true }).catch(() => null);
  const self = (jrd?.links ?? []).find((l) => l.rel === "self" && l.href === actor.id.href);
  return self ? `@${actor.preferredUsername}@${actor.id.host}` : null;
}

function describeAttachment(a) {
  if (a instanceof PropertyValue) return { class: "PropertyValue", name: str(a.name), value: str(a.value), href: null, mediaType: null };
  if (a instanceof Link) return { class: cls(a), name: str(a.name), value: null, href: href(a.href), mediaType: a.mediaType ?? null };
  if (a instanceof URL) return { class: "URL", name: null, value: null, href: a.href, mediaType: null };
  return { class: cls(a), name: str(a.name), value: null, href: href(a.url), mediaType: a.mediaType ?? null };
}

// --- modes -----------------------------------------------------------------------------
async function actorMode(target) {
  const actor = await strictLookup(target);
  if (!isActor(actor)) fail(`${target} resolved to a ${cls(actor)} (${actor.id?.href}), not an actor`);
  let key;
  try {
    key = await actor.getPublicKey(loaders);
  } catch (e) {
    fail(`Fedify could not read the publicKey of ${actor.id.href}: ${errMsg(e)}`);
  }
  let publicKey = null;
  if (key != null) {
    publicKey = {
      id: href(key.id),
      owner: href(key.ownerId),
      pem: key.publicKey ? await exportSpki(key.publicKey) : null,
    };
  }
  const attachments = await collect("attachment", actor.getAttachments(loaders));
  return {
    class: cls(actor),
    id: actor.id.href,
    preferredUsername: str(actor.preferredUsername),
    name: str(actor.name),
    summary: str(actor.summary),
    inbox: href(actor.inboxId),
    outbox: href(actor.outboxId),
    followers: href(actor.followersId),
    following: href(actor.followingId),
    sharedInbox: href(actor.endpoints?.sharedInbox),
    url: href(actor.url),
    manuallyApprovesFollowers: actor.manuallyApprovesFollowers ?? null,
    discoverable: actor.discoverable ?? null,
    published: str(actor.published),
    icon: href(actor.iconId),
    publicKey,
    attachments: attachments.map(describeAttachment).map(({ class: c, name, value, href: h }) => ({ class: c, name, value: value ?? h })),
    handle: await verifiedHandle(actor),
  };
}

async function webfingerMode(target) {
  const resource = isHandle(target) ? (toAcctUrl(target) ?? new URL(target)) : new URL(target);
  const jrd = await lookupWebFinger(resource, { allowPrivateAddress: true });
  if (jrd == null) fail(`Fedify's WebFinger lookup of ${resource.href} failed: ${await webfingerDiagnosis(resource)}`);
  return jrd;
}

async function nodeinfoMode(target) {
  const wkUrl = new URL("/.well-known/nodeinfo", target);
  const wkRes = await fetch(wkUrl, { headers: { Accept: "application/json" } }).catch((e) => fail(`GET ${wkUrl.href} failed: ${errMsg(e)}`));
  if (!wkRes.ok) fail(`GET ${wkUrl.href} -> HTTP ${wkRes.status}`);
  const wk = await wkRes.json().catch((e) => fail(`${wkUrl.href} is not JSON: ${errMsg(e)}`));
  const links = Array.isArray(wk?.links) ? wk.links : fail(`${wkUrl.href} has no "links" array: ${JSON.stringify(wk)}`);
  const link = ["2.1", "2.0"].map((v) => links.find((l) => l?.rel === `http://nodeinfo.diaspora.software/ns/schema/${v}` && typeof l.href === "string")).find(Boolean);
  if (link == null) fail(`${wkUrl.href} links no NodeInfo 2.1/2.0 schema: ${JSON.stringify(links)}`);
  const docUrl = new URL(link.href, wkUrl);
  const res = await fetch(docUrl, { headers: { Accept: "application/json" } }).catch((e) => fail(`GET ${docUrl.href} failed: ${errMsg(e)}`));
  if (!res.ok) fail(`GET ${docUrl.href} -> HTTP ${res.status}`);
  const raw = await res.json().catch((e) => fail(`${docUrl.href} is not JSON: ${errMsg(e)}`));
  const parsed = parseNodeInfo(raw, { tryBestEffort: false });
  if (parsed == null) fail(`Fedify's strict parseNodeInfo rejected ${docUrl.href}: ${JSON.stringify(raw)}`);
  try {
    nodeInfoToJson(parsed); // Fedify's own validity checks (name pattern, ≥1 protocol, counts ≥ 0 integers)
  } catch (e) {
    fail(`NodeInfo at ${docUrl.href} parsed but is invalid for Fedify: ${errMsg(e)}`);
  }
  // URL objects (software.repository/homepage) become strings.
  return JSON.parse(JSON.stringify(parsed, (_k, v) => (v instanceof URL ? v.href : v)));
}

async function describeLocation(obj) {
  let loc;
  try {
    loc = await obj.getLocation(loaders);
  } catch (e) {
    fail(`Fedify could not read the location of ${obj.id?.href}: ${errMsg(e)}`);
  }
  if (loc == null) return null;
  if (loc instanceof URL || loc instanceof Link) return { class: cls(loc), name: null, latitude: null, longitude: null, address: null, url: href(loc) };
  return {
    class: cls(loc),
    name: str(loc.name),
    latitude: loc instanceof Place ? loc.latitude : null,
    longitude: loc instanceof Place ? loc.longitude : null,
    address: null, // Fedify 2.3 has no PostalAddress/address accessor
    url: href(loc.url), // e.g. a VirtualLocation (an unknown type to Fedify) keeps its url
  };
}

async function objectMode(target) {
  const obj = await strictLookup(target);
  const tags = await collect("tag", obj.getTags(loaders));
  const attachments = await collect("attachment", obj.getAttachments(loaders));
  return {
    class: cls(obj),
    id: obj.id.href,
    name: str(obj.name),
    summary: str(obj.summary),
    content: str(obj.content),
    mediaType: obj.mediaType ?? null,
    url: href(obj.url),
    published: str(obj.published),
    updated: str(obj.updated),
    attributedTo: href(obj.attributionId),
    startTime: str(obj.startTime),
    endTime: str(obj.endTime),
    to: obj.toIds.map((u) => u.href),
    cc: obj.ccIds.map((u) => u.href),
    actor: obj instanceof Activity ? href(obj.actorId) : null,
    object: obj instanceof Activity ? href(obj.objectId) : null,
    tags: tags.map((t) => ({ class: cls(t), name: str(t.name), href: t instanceof Link ? href(t.href) : href(t.url ?? t.id) })),
    attachments: attachments.map(describeAttachment),
    location: await describeLocation(obj),
    nameMap: langMap(obj.names),
    summaryMap: langMap(obj.summaries),
    contentMap: langMap(obj.contents),
    compact: await obj.toJsonLd({ format: "compact", contextLoader: documentLoader }),
  };
}

// A loader that refuses everything: used to see whether an activity's object is embedded.
const refusingLoader = async (url) => {
  throw new Error(`not embedded: ${url}`);
};

async function outboxMode(target) {
  const coll = await strictLookup(target);
  if (!(coll instanceof Collection)) fail(`${target} resolved to a ${cls(coll)}, not a Collection`);
  const raw = await collect("the collection's items", traverseCollection(coll, loaders), MAX_OUTBOX_ITEMS);
  const items = [];
  for (const item of raw) {
    if (item instanceof Link || item instanceof URL) {
      items.push({ class: cls(item), id: href(item), objectClass: null, objectId: null, objectEmbedded: false });
      continue;
    }
    let embedded = null;
    if (item instanceof Activity && item.objectId != null) {
      embedded = await item.getObject({ documentLoader: refusingLoader, contextLoader: documentLoader }).catch(() => null);
    } else if (item instanceof Activity) {
      embedded = await item.getObject(loaders).catch(() => null); // embedded object without id
    }
    items.push({
      class: cls(item),
      id: href(item.id),
      objectClass: cls(embedded),
      objectId: item instanceof Activity ? href(item.objectId) : null,
      objectEmbedded: embedded != null,
    });
  }
  return { class: cls(coll), id: coll.id.href, totalItems: coll.totalItems ?? null, items };
}

// --- main ------------------------------------------------------------------------------
const MODES = { actor: actorMode, webfinger: webfingerMode, nodeinfo: nodeinfoMode, object: objectMode, outbox: outboxMode };
const [mode, target] = process.argv.slice(2);
if (!MODES[mode] || !target) {
  console.error(`usage: node resolve.mjs <${Object.keys(MODES).join("|")}> <target>`);
  process.exit(2);
}
const timeoutMs = Number(process.env.RESOLVE_TIMEOUT_MS ?? 20000);
setTimeout(() => {
  console.error(`resolve.mjs ${mode} ${target}: timed out after ${timeoutMs} ms`);
  process.exit(3);
}, timeoutMs).unref();

try {
  const result = await MODES[mode](target);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exitCode = 0;
} catch (e) {
  const msg = e instanceof ResolveError ? e.message : `unexpected error: ${e?.stack ?? e}`;
  console.error(`resolve.mjs ${mode} ${target}: ${msg}`);
  process.exitCode = 1;
}
