// A test stand-in for the LRS proxy of ADL's CATAPULT cmi5 player, in front of our real LRS.
// Like CATAPULT it takes the AU's requests with the token the LMS gave out, forwards them to
// the LRS with the LMS's own credential, and refuses a statement that breaks a cmi5 AU rule
// with 403 and the requirement id (tests/runtime/cmi5rules.mjs, ids from @cmi5/requirements).
//
//   node tests/browser/cmi5_proxy.mjs UPSTREAM_ENDPOINT UPSTREAM_BASIC_AUTH
// prints {"port": N} and serves /xapi/... until killed.  The test (the LMS) registers each
// launch at POST /__launch and reads the refusals at GET /__violations.
import http from "node:http";
import { Cmi5Rules, requirement } from "../runtime/cmi5rules.mjs";

const [upstream, upstreamAuth] = process.argv.slice(2);
const rules = new Cmi5Rules();
const violations = [];
const tokens = new Set();

function cors(req) {
  return {
    "Access-Control-Allow-Origin": req.headers.origin || "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match",
    "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, OPTIONS",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through",
    "Access-Control-Max-Age": "600",
  };
}
function send(req, res, status, body, headers = {}) {
  res.writeHead(status, { ...cors(req), "Content-Type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url, "http://proxy");
  if (url.pathname === "/__launch" && req.method === "POST") {
    const l = JSON.parse(body.toString("utf8"));
    rules.launch(l.sessionId, { mode: l.mode, masteryScore: l.masteryScore, registration: l.registration, grouping: l.grouping });
    tokens.add(l.auth);
    return send(req, res, 204, "");
  }
  if (url.pathname === "/__violations") return send(req, res, 200, violations);
  if (req.method === "OPTIONS") return send(req, res, 204, "");
  const auth = req.headers.authorization || "";
  if (!tokens.has(auth)) return send(req, res, 401, { error: "not a token this LMS gave out" });
  const path = url.pathname.replace(/^\/xapi\//, "");
  if (path === "agents/profile" && req.method === "GET" && url.searchParams.get("profileId") === "cmi5LearnerPreferences")
    rules.preferencesRead(auth);
  if (path === "activities/state" && url.searchParams.get("stateId") === "LMS.LaunchData" && req.method !== "GET")
    return send(req, res, 403, { requirement: "10.2.1.0-5", text: requirement("10.2.1.0-5") });
  if (path === "statements" && (req.method === "PUT" || req.method === "POST")) {
    if (url.searchParams.get("method")) {
      violations.push({ id: "alternate request syntax", verb: "" });
      return send(req, res, 400, { error: "the alternate request syntax is not accepted" });
    }
    const parsed = JSON.parse(body.toString("utf8"));
    for (const stmt of Array.isArray(parsed) ? parsed : [parsed]) {
      const id = rules.check(stmt, auth);
      if (id) {
        violations.push({ id, verb: stmt.verb.id.split("/").pop(), statement: stmt.id });
        return send(req, res, 403, { requirement: id, text: requirement(id) });
      }
    }
  }
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!["host", "authorization", "origin", "content-length", "connection"].includes(k)) headers[k] = v;
  headers.authorization = upstreamAuth;
  try {
    const r = await fetch(upstream.replace(/\/$/, "") + "/" + path + url.search, {
      method: req.method, headers, body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
    });
    const text = Buffer.from(await r.arrayBuffer());
    const out = {};
    for (const k of ["content-type", "etag", "last-modified", "x-experience-api-version", "x-experience-api-consistent-through"])
      if (r.headers.get(k)) out[k] = r.headers.get(k);
    res.writeHead(r.status, { ...cors(req), ...out });
    res.end(text);
  } catch (e) {
    send(req, res, 502, { error: String(e) });
  }
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
