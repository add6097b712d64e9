#!/usr/bin/env node
// A controllable Fedify (real, third-party ActivityPub implementation) peer for Passerelle's
// federation tests. One actor, bob, on plain http on loopback.
//
//   node tests/interop/peer.mjs --port <p>   (0 = pick a free port)
//        [--host localhost|127.0.0.1]  [--first-knock draft-cavage-http-signatures-12|rfc9421]
//        [--max-lifetime <seconds>]    (default 1800; 0 = no limit)
//        [--detached]                  (do not exit when the parent process dies)
//
// Prints `READY http://<host>:<port>` on stdout once listening. Exits on SIGTERM/SIGINT, when
// its parent process dies, or after --max-lifetime. The control API (/_ctl/...) is described
// in README.md beside this file; every control answer is JSON.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import {
  InProcessMessageQueue,
  MemoryKvStore,
  createFederation,
  generateCryptoKeyPair,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Create,
  Endpoints,
  Follow,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Undo,
  isActor,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";

// --- arguments -------------------------------------------------------------------------
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
};
const REQUESTED_PORT = Number(arg("--port", "0"));
const HOST = arg("--host", "localhost");
const FIRST_KNOCK = arg("--first-knock", undefined);
const MAX_LIFETIME_S = Number(arg("--max-lifetime", "1800"));
if (!Number.isInteger(REQUESTED_PORT) || REQUESTED_PORT < 0 || REQUESTED_PORT > 65535) {
  console.error(`peer.mjs: bad --port ${arg("--port")}`);
  process.exit(2);
}
if (FIRST_KNOCK != null && !["draft-cavage-http-signatures-12", "rfc9421"].includes(FIRST_KNOCK)) {
  console.error(`peer.mjs: bad --first-knock ${FIRST_KNOCK}`);
  process.exit(2);
}
if (!["localhost", "127.0.0.1"].includes(HOST)) {
  console.error("peer.mjs: --host must be localhost or 127.0.0.1 (loopback only)");
  process.exit(2);
}

// --- lifetime: never outlive the test that started us ----------------------------------
// Node caches process.ppid, so ask the kernel: once our parent has died we are re-parented
// (or kill(parent, 0) fails) and exit. --detached turns this off for hand-started peers.
function currentPpid() {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}
const parentPid = process.ppid;
if (!process.argv.includes("--detached") && parentPid > 1) {
  setInterval(() => {
    const now = currentPpid();
    let alive = true;
    try {
      process.kill(parentPid, 0);
    } catch (e) {
      alive = e.code === "EPERM";
    }
    if (!alive || (now != null && now !== parentPid)) process.exit(0);
  }, 1000).unref();
}
if (MAX_LIFETIME_S > 0) setTimeout(() => process.exit(0), MAX_LIFETIME_S * 1000).unref();
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => process.exit(0));
process.stdout.on("error", () => process.exit(0)); // EPIPE: whoever read us is gone

// --- Node 20 compatibility ------------------------------------------------------------------
// Fedify 2.3 declares Node >= 22; on Node 20 its importJwk (used by the outgoing queue) reads
// the global `navigator`, which Node only has from 21 on.
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node}` };

// --- loopback-only fetch ---------------------------------------------------------------
// Fedify uses https:// for acct: WebFinger lookups; loopback servers here speak plain http, so
// https://localhost[:port] and https://127.0.0.1[:port] become http://. Any other host is
// refused: this peer never talks to the outside world.
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const realFetch = globalThis.fetch;
function loopbackUrl(u) {
  const url = new URL(u);
  if (!LOOPBACK.test(url.hostname)) throw new TypeError(`peer.mjs refuses a non-loopback request: ${url.href}`);
  if (url.protocol === "https:") url.protocol = "http:";
  return url;
}
globalThis.fetch = async (input, init) => {
  const u = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const url = loopbackUrl(u);
  if (url.href !== u) input = typeof input === "string" || input instanceof URL ? url.href : new Request(url.href, input);
  return realFetch(input, init);
};

// --- state -----------------------------------------------------------------------------
const received = []; // activities that reached an inbox listener (see README)
const requests = []; // every HTTP request that reached the federation routes
const errors = []; // inbox listener / background delivery errors
const followers = new Map(); // follower actor id -> { id, inboxId, endpoints }
const following = new Map(); // followed actor id -> { actor, follow, inbox, accepted, rejected }
const served = new Map(); // path ("/follows/3") -> activity or object we created, served at its id
const outbox = []; // Create activities bob posted, newest first
let seq = 0;
const nextId = (kind) => `${kind}/${++seq}-${Date.now()}`;
// RSA 2048 (Mastodon's size; Fedify's own generator makes 4096-bit keys, ~1.5 s each) + Ed25519.
const keyPairs = await Promise.all([
  crypto.webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true, ["sign", "verify"]),
  generateCryptoKeyPair("Ed25519"),
]);

// --- HTTP server first, so that port 0 can be resolved before Fedify needs its origin ------
let federation = null;
let ORIGIN = null;
const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error("peer.mjs: request failed:", e);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(e?.message ?? e));
  });
});
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(REQUESTED_PORT, "127.0.0.1", resolve);
});
const PORT = server.address().port;
ORIGIN = `http://${HOST}:${PORT}`;
// Also answer on [::1] with the same port when possible, for clients that resolve localhost
// to ::1 first. Best effort: IPv6 may be unavailable.
const server6 = http.createServer((req, res) => server.emit("request", req, res));
server6.on("error", () => {});
server6.listen(PORT, "::1");

// --- Fedify federation --------------------------------------------------------------------
federation = createFederation({
  kv: new MemoryKvStore(),
  origin: ORIGIN,
  allowPrivateAddress: true,
  // Outgoing activities sent by handlers (the automatic Accept) go through an in-process
  // queue, so that an inbox POST is answered before the Accept is delivered, as real servers
  // do. Control endpoints send with { immediate: true } to report delivery errors.
  queue: { outbox: new InProcessMessageQueue() },
  ...(FIRST_KNOCK ? { firstKnock: FIRST_KNOCK } : {}),
});
const BOB = "bob";
const bobUri = () => new URL(`${ORIGIN}/users/${BOB}`);

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== BOB) return null;
    const kp = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Bob (Passerelle test peer)",
      summary: "A Fedify peer driven by Passerelle's tests.",
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      url: ctx.getActorUri(identifier),
      manuallyApprovesFollowers: false,
      publicKey: kp[0].cryptographicKey,
      assertionMethods: kp.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === BOB ? keyPairs : []));

federation.setNodeInfoDispatcher("/nodeinfo/2.1", async () => ({
  software: { name: "passerelle-test-peer", version: "0.0.0" },
  protocols: ["activitypub"],
  usage: { users: { total: 1, activeHalfyear: 1, activeMonth: 1 }, localPosts: outbox.length, localComments: 0 },
  openRegistrations: false,
}));

// Everything bob sends is served at its id (peers may re-fetch by id).
for (const [cls, prefix] of [[Follow, "follows"], [Undo, "undos"], [Accept, "accepts"], [Create, "creates"], [Note, "notes"]]) {
  federation.setObjectDispatcher(cls, `/${prefix}/{id}`, (_ctx, values) => served.get(`/${prefix}/${values.id}`) ?? null);
}
federation.setOutboxDispatcher("/users/{identifier}/outbox", async (_ctx, identifier) =>
  identifier === BOB ? { items: outbox } : null);
federation.setFollowersDispatcher("/users/{identifier}/followers", async (_ctx, identifier) =>
  identifier === BOB ? { items: [...followers.values()] } : null);
federation.setFollowingDispatcher("/users/{identifier}/following", async (_ctx, identifier) =>
  identifier === BOB ? { items: [...following.values()].filter((f) => f.accepted).map((f) => new URL(f.actor)) } : null);

// A loader that refuses everything: reads an embedded object without fetching anything.
const noFetch = async (url) => {
  throw new Error(`not embedded: ${url}`);
};
const className = (o) => (o == null ? null : o.constructor.name.replace(/\$\d+$/, ""));

async function record(ctx, activity, inner) {
  let compact;
  try {
    compact = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  } catch (e) {
    compact = { id: activity.id?.href ?? null, type: className(activity), toJsonLdError: String(e?.message ?? e) };
  }
  const { "@context": _ignored, ...body } = compact;
  if (inner === undefined) inner = await activity.getObject?.({ documentLoader: noFetch, contextLoader: ctx.contextLoader }).catch(() => null);
  const obj = typeof body.object === "object" && body.object != null && !Array.isArray(body.object) ? body.object : null;
  const entry = {
    ...body,
    id: activity.id?.href ?? null,
    type: body.type ?? className(activity),
    actor: activity.actorId?.href ?? null,
    objectId: activity.objectId?.href ?? obj?.id ?? null,
    objectType: className(inner) ?? obj?.type ?? null,
    receivedAt: new Date().toISOString(),
  };
  received.push(entry);
  console.log("RECEIVED", JSON.stringify({ type: entry.type, id: entry.id, actor: entry.actor, objectId: entry.objectId, objectType: entry.objectType }));
  return entry;
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    if (follow.objectId?.href !== bobUri().href) return; // not for bob: recorded, ignored
    const follower = await follow.getActor(ctx);
    if (!isActor(follower) || follower.id == null) return;
    followers.set(follower.id.href, { id: follower.id, inboxId: follower.inboxId, endpoints: follower.endpoints });
    const path = `/${nextId("accepts")}`;
    const accept = new Accept({ id: new URL(ORIGIN + path), actor: bobUri(), object: follow, to: follower.id });
    served.set(path, accept);
    await ctx.sendActivity({ identifier: BOB }, follower, accept); // queued, delivered after we answer
  })
  .on(Undo, async (ctx, undo) => {
    const inner = await undo.getObject(ctx).catch(() => null);
    await record(ctx, undo, inner);
    // Only the follower may undo its Follow.
    if (inner instanceof Follow && undo.actorId != null && inner.actorId?.href === undo.actorId.href) followers.delete(undo.actorId.href);
  })
  .on(Accept, async (ctx, accept) => {
    const inner = await accept.getObject(ctx).catch(() => null);
    await record(ctx, accept, inner);
    settleFollow(accept, inner, "accepted");
  })
  .on(Reject, async (ctx, reject) => {
    const inner = await reject.getObject(ctx).catch(() => null);
    await record(ctx, reject, inner);
    settleFollow(reject, inner, "rejected");
  })
  .on(Activity, async (ctx, activity) => {
    await record(ctx, activity);
  })
  .onError(async (_ctx, error) => {
    console.log("INBOX-ERROR", error?.message);
    errors.push({ where: "inbox", message: String(error?.message ?? error), at: new Date().toISOString() });
  });

// Accept/Reject count only when sent by the followed actor and naming our Follow's id.
function settleFollow(activity, inner, state) {
  const followId = inner instanceof Follow ? inner.id?.href : activity.objectId?.href;
  for (const f of following.values()) {
    if (f.follow === followId && f.actor === activity.actorId?.href) {
      f.accepted = state === "accepted";
      f.rejected = state === "rejected";
    }
  }
}

// --- signing helpers for deliver-* (draft-cavage HTTP Signatures, by node:crypto) ------------
const sha256 = (buf) => crypto.createHash("sha256").update(buf).digest("base64");

// Build the headers of a signed POST of `body` to `url`. Options (all from the query string):
//   headers   space-separated signed header list (default "(request-target) host date digest content-type")
//   date      Date header value to send (default now, RFC 7231 format)
//   keyId     keyId to claim (default bob's RSA key id)
//   algorithm algorithm parameter (default "rsa-sha256"; "hs2019" also signs with RSA-SHA256)
//   digest    "none" to omit the Digest header
async function signedHeaders(url, body, opts) {
  const [rsa] = await federation.createContext(new URL(ORIGIN)).getActorKeyPairs(BOB);
  const headers = {
    host: url.host,
    date: opts.date ?? new Date().toUTCString(),
    "content-type": opts.contentType,
  };
  if (opts.digest !== "none") headers.digest = `SHA-256=${sha256(body)}`;
  const names = (opts.headers ?? "(request-target) host date digest content-type").trim().split(/\s+/);
  const signingString = names
    .map((n) => (n === "(request-target)" ? `(request-target): post ${url.pathname}${url.search}` : `${n}: ${headers[n] ?? ""}`))
    .join("\n");
  const key = crypto.KeyObject.from(rsa.privateKey);
  const signature = crypto.sign("sha256", Buffer.from(signingString), key).toString("base64");
  headers.signature = `keyId="${opts.keyId ?? rsa.keyId.href}",algorithm="${opts.algorithm ?? "rsa-sha256"}",headers="${names.join(" ")}",signature="${signature}"`;
  return headers;
}

// POST exact bytes with exact headers (node:http, so Host and Date are sent as given).
function rawPost(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": body.length }, timeout: 20000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout posting to ${url.href}`)));
    req.on("error", reject);
    req.end(body);
  });
}

// --- control API ------------------------------------------------------------------------------
const json = (value, status = 200) => Response.json(value, { status });
class CtlError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function lookupActor(ctx, target) {
  if (!target) throw new CtlError(400, "missing ?target=<actor URL or @user@host:port>");
  const documentLoader = await ctx.getDocumentLoader({ identifier: BOB }); // signed GETs, as Mastodon's secure mode
  let actor;
  try {
    actor = await ctx.lookupObject(target, { documentLoader, allowPrivateAddress: true });
  } catch (e) {
    throw new CtlError(502, `lookup of ${target} failed: ${e?.message ?? e}`);
  }
  if (!isActor(actor) || actor.id == null) throw new CtlError(400, `not an actor (or not reachable): ${target}`);
  return actor;
}

async function send(ctx, recipients, activity) {
  try {
    await ctx.sendActivity({ identifier: BOB }, recipients, activity, { immediate: true });
  } catch (e) {
    throw new CtlError(502, `delivery of ${activity.id?.href} failed: ${e?.message ?? e}`);
  }
}

async function control(request, url) {
  const ctx = federation.createContext(new URL(ORIGIN), undefined);
  const p = url.pathname;
  const q = (k) => url.searchParams.get(k) ?? undefined;
  const method = request.method;
  const want = (m) => {
    if (method !== m) throw new CtlError(405, `${p} needs ${m}`);
  };

  switch (p) {
    case "/_ctl/info":
      return json({
        origin: ORIGIN, actor: bobUri().href, handle: `@${BOB}@${new URL(ORIGIN).host}`,
        inbox: ctx.getInboxUri(BOB).href, sharedInbox: ctx.getInboxUri().href,
        keyId: (await ctx.getActorKeyPairs(BOB))[0].keyId.href, firstKnock: FIRST_KNOCK ?? "rfc9421",
      });
    case "/_ctl/log":
      return json(received);
    case "/_ctl/requests":
      return json(requests);
    case "/_ctl/errors":
      return json(errors);
    case "/_ctl/followers":
      return json([...followers.keys()]);
    case "/_ctl/following":
      return json([...following.values()]);
    case "/_ctl/reset":
      want("POST");
      received.length = 0;
      requests.length = 0;
      errors.length = 0;
      return json({ ok: true });

    case "/_ctl/follow": {
      want("POST");
      const actor = await lookupActor(ctx, q("target"));
      const path = `/${nextId("follows")}`;
      const follow = new Follow({ id: new URL(ORIGIN + path), actor: bobUri(), object: actor.id, to: actor.id });
      served.set(path, follow);
      following.set(actor.id.href, { actor: actor.id.href, follow: follow.id.href, inbox: actor.inboxId?.href ?? null, accepted: false, rejected: false });
      await send(ctx, actor, follow);
      return json({ id: follow.id.href, object: actor.id.href, inbox: actor.inboxId?.href ?? null });
    }
    case "/_ctl/unfollow": {
      want("POST");
      const actor = await lookupActor(ctx, q("target"));
      const entry = following.get(actor.id.href);
      if (entry == null) throw new CtlError(409, `bob does not follow ${actor.id.href}`);
      const follow = served.get(new URL(entry.follow).pathname);
      const path = `/${nextId("undos")}`;
      const undo = new Undo({ id: new URL(ORIGIN + path), actor: bobUri(), object: follow, to: actor.id });
      served.set(path, undo);
      await send(ctx, actor, undo);
      following.delete(actor.id.href);
      return json({ id: undo.id.href, follow: entry.follow, object: actor.id.href });
    }
    case "/_ctl/post": {
      want("POST");
      const notePath = `/${nextId("notes")}`;
      const createPath = `/${nextId("creates")}`;
      const audience = { to: PUBLIC_COLLECTION, cc: ctx.getFollowersUri(BOB) };
      const note = new Note({
        id: new URL(ORIGIN + notePath), attribution: bobUri(), content: q("text") ?? "hello",
        published: Temporal.Now.instant(), url: new URL(ORIGIN + notePath), ...audience,
      });
      const create = new Create({ id: new URL(ORIGIN + createPath), actor: bobUri(), object: note, published: note.published, ...audience });
      served.set(notePath, note);
      served.set(createPath, create);
      outbox.unshift(create);
      await send(ctx, "followers", create);
      return json({ id: create.id.href, object: note.id.href, recipients: followers.size });
    }

    case "/_ctl/deliver-raw":
    case "/_ctl/deliver-unsigned":
    case "/_ctl/deliver-tampered": {
      want("POST");
      if (!q("inbox")) throw new CtlError(400, "missing ?inbox=<url>");
      let inbox;
      try {
        inbox = loopbackUrl(q("inbox"));
      } catch (e) {
        throw new CtlError(400, e.message);
      }
      const body = Buffer.from(await request.arrayBuffer());
      const opts = {
        headers: q("headers"), date: q("date"), keyId: q("keyId"), algorithm: q("algorithm"), digest: q("digest"),
        contentType: q("contentType") ?? "application/activity+json",
      };
      let headers;
      let sent = body;
      if (p === "/_ctl/deliver-unsigned") {
        headers = { host: inbox.host, date: opts.date ?? new Date().toUTCString(), "content-type": opts.contentType };
      } else {
        headers = await signedHeaders(inbox, body, opts);
        if (p === "/_ctl/deliver-tampered") {
          // Same signature and Digest, different body: ?merge=<JSON object> is merged into the
          // signed JSON body (default {"tampered": true}).
          let doc;
          try {
            doc = JSON.parse(body.toString("utf8"));
          } catch {
            throw new CtlError(400, "deliver-tampered needs a JSON object body");
          }
          const merge = q("merge") ? JSON.parse(q("merge")) : { tampered: true };
          sent = Buffer.from(JSON.stringify({ ...doc, ...merge }));
        }
      }
      let answer;
      try {
        answer = await rawPost(inbox, headers, sent);
      } catch (e) {
        throw new CtlError(502, `POST ${inbox.href} failed: ${e?.message ?? e}${e?.code ? ` (${e.code})` : ""}`);
      }
      return json({ status: answer.status, body: answer.body, sentHeaders: headers, sentBody: sent.toString("utf8") });
    }
  }
  throw new CtlError(404, `unknown control endpoint ${p}`);
}

function signatureKind(headers) {
  if (headers["signature-input"]) return "rfc9421";
  if (headers.signature) return "draft-cavage";
  return "none";
}

async function handle(req, res) {
  const url = new URL(req.url, ORIGIN);
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const hasBody = !["GET", "HEAD"].includes(req.method);
  const request = new Request(url, { method: req.method, headers: req.headers, body: hasBody ? body : undefined });
  let response;
  if (url.pathname.startsWith("/_ctl/")) {
    try {
      response = await control(request, url);
    } catch (e) {
      const status = e instanceof CtlError ? e.status : 500;
      if (!(e instanceof CtlError)) console.error("peer.mjs: control error:", e);
      response = json({ error: String(e?.message ?? e) }, status);
    }
  } else {
    response = await federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("Not found", { status: 404 }),
      onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
    });
    const entry = {
      method: req.method, path: url.pathname + url.search, status: response.status,
      accept: req.headers.accept ?? null, contentType: req.headers["content-type"] ?? null,
      signature: signatureKind(req.headers), at: new Date().toISOString(),
    };
    if (hasBody) {
      const text = body.toString("utf8");
      try {
        entry.body = JSON.parse(text);
      } catch {
        entry.body = text;
      }
    }
    requests.push(entry);
    if (hasBody) console.log("HTTP", req.method, entry.path, "->", response.status, "sig:", entry.signature);
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

console.log(`READY ${ORIGIN}`);
