// A world for the runtime's unit tests (node --test): the shipped toolkit.js runs in a
// vm context per tab, with fake storage shared by the tabs of one browser, a fake LRS and
// LMS behind fetch, fake SCORM 1.2/2004 APIs and a clock the test moves.  No DOM: the
// document is a stub with the shell's frame (launch.html) or a page's <article>.
//
// TK_RUNTIME=path/to/toolkit.js runs the same tests against another build (e.g. the
// runtime before the rebuild, to see a test fail).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { Cmi5Rules } from "./cmi5rules.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function bundle() {
  if (process.env.TK_RUNTIME) return readFileSync(process.env.TK_RUNTIME, "utf8");
  return execFileSync("python3", ["-c", "import sys; from toolkit.runtime import runtime_source; sys.stdout.write(runtime_source())"],
    { cwd: ROOT, env: { ...process.env, PYTHONPATH: ROOT }, encoding: "utf8" });
}
const SOURCE = bundle();

export const COURSE_ID = "https://kurser.example.dk/test";
export const ENDPOINT = "https://lrs.example.dk/xapi/";
export const FETCH_URL = "https://lms.example.dk/cmi5/fetch";
export const KEY = "web:web-pw";
export const HOMEPAGE = "https://kurser.example.dk/borger";

/* Three lessons, two questions; a course with paths when asked. */
export function course({ paths = false, passMark = 0.5, lrs = null, exercise = false } = {}) {
  const choices = [{ id: "ja", text: "Ja" }, { id: "nej", text: "Nej" }, { id: "maaske", text: "Måske" }];
  const c = {
    id: COURSE_ID, slug: "test", title: "Prøve", language: "da", version: "1", passMark,
    paths: paths ? [{ id: "dagpenge", label: "Dagpenge" }, { id: "kontant", label: "Kontanthjælp" }] : [],
    lessons: [
      { id: "intro", title: "Intro", file: "01-intro.html", paths: [], questions: ["q1"] },
      { id: "regler", title: "Regler", file: "02-regler.html", paths: paths ? ["dagpenge"] : [], questions: ["q2"] },
      { id: "slut", title: "Slut", file: "03-slut.html", paths: [], questions: [] },
    ],
    questions: {
      q1: { lesson: "intro", prompt: "Spørgsmål 1", multiple: false, choices, correct: ["ja"], feedback: {} },
      q2: { lesson: "regler", prompt: "Spørgsmål 2", multiple: false, choices, correct: ["nej"], feedback: {} },
    },
    exercises: exercise ? ["mappe"] : [],
    strings: { complete: "Kurset er gennemført", launch_failed: "Kurset kan ikke gemme", session_ended: "Du har lukket kurset",
               code_bad: "Koden i dit link er forkert", standalone: "Kun i denne browser" },
    lrs: lrs ? { endpoint: ENDPOINT, key: KEY, homepage: HOMEPAGE } : {},
  };
  return c;
}

/* ---------- time ---------- */
export class Clock {
  constructor(start = Date.parse("2026-03-02T09:00:00Z")) {
    this.t = start; this.timers = []; this.seq = 0;
    const clock = this;
    this.Date = class extends Date {
      constructor(...a) { if (a.length) super(...a); else super(clock.t); }
      static now() { return clock.t; }
    };
    this.setTimeout = (fn, ms) => { const id = ++this.seq; this.timers.push({ id, at: this.t + (ms || 0), fn }); return id; };
    this.clearTimeout = (id) => { this.timers = this.timers.filter((x) => x.id !== id); };
  }
  /* move time on by ms, running every timer and promise that falls due */
  async advance(ms = 0) {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
export async function settle() { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); }

/* ---------- storage: one per browser (local) or per tab (session) ---------- */
export class FakeStorage {
  constructor(browser) { this.map = new Map(); this.browser = browser; this.refused = false; }
  view(win) {
    const store = this;
    const check = () => { if (store.refused) throw new Error("SecurityError: storage is disabled"); };
    return {
      getItem(k) { check(); return store.map.has(k) ? store.map.get(k) : null; },
      setItem(k, v) {
        check(); const old = store.map.has(k) ? store.map.get(k) : null; store.map.set(k, String(v));
        if (store.browser) store.browser.storageEvent(win, k, old, String(v));
      },
      removeItem(k) { check(); store.map.delete(k); },
      key(i) { check(); return [...store.map.keys()][i] ?? null; },
      get length() { check(); return store.map.size; },
    };
  }
  json(k) { return JSON.parse(this.map.get(k) || "null"); }
  keys(prefix) { return [...this.map.keys()].filter((k) => k.startsWith(prefix)); }
}

/* ---------- the LRS and the LMS behind fetch ---------- */
function response(status, body) {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  return { ok: status >= 200 && status < 300, status, json: async () => JSON.parse(text), text: async () => text };
}
export class FakeLRS {
  constructor() {
    this.statements = new Map(); this.log = []; this.requests = [];
    this.tokens = new Set([`Basic ${Buffer.from(KEY).toString("base64")}`]);
    this.launches = new Map(); // fetch-URL query -> { token, used }
    this.launchData = new Map(); this.prefs = null; this.prefsRead = new Set();
    this.down = false; this.hang = false; this.refuse = null; this.strictCmi5 = false; this.rejected = [];
    this.rules = new Cmi5Rules();
  }
  /* what an LMS does before a cmi5 launch: LaunchData and a one-time fetch URL */
  cmi5Launch({ registration, actor, auId, mode = "Normal", masteryScore = 0.5, grouping = COURSE_ID }) {
    const token = Buffer.from(`au-${registration}:secret`).toString("base64");
    this.tokens.add(`Basic ${token}`);
    const sessionId = `session-${this.launches.size + 1}`;
    this.launches.set(registration, { token, used: false });
    this.launchData.set(registration, {
      contextTemplate: { contextActivities: { grouping: [{ objectType: "Activity", id: grouping }] },
                         extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": sessionId } },
      launchMode: mode, moveOn: "CompletedAndPassed", masteryScore, returnURL: "https://lms.example.dk/done",
    });
    this.rules.launch(sessionId, { mode, masteryScore, registration, grouping: [grouping] });
    const q = new URLSearchParams({ endpoint: ENDPOINT, fetch: `${FETCH_URL}?r=${registration}`, actor: JSON.stringify(actor),
                                    registration, activityId: auId });
    return `?${q}`;
  }
  async fetch(url, init = {}) {
    const method = (init.method || "GET").toUpperCase();
    const headers = init.headers || {};
    this.requests.push({ url, method, headers, keepalive: !!init.keepalive, body: init.body });
    if (url.startsWith(FETCH_URL)) {
      const reg = new URL(url).searchParams.get("r"), l = this.launches.get(reg);
      if (method !== "POST" || !l) return response(400, "");
      if (l.used) return response(200, { "error-code": "1", "error-text": "the fetch URL was already used" });
      l.used = true;
      return response(200, { "auth-token": l.token });
    }
    if (!url.startsWith(ENDPOINT)) throw new TypeError(`no such host: ${url}`);
    if (this.down) throw new TypeError("Failed to fetch");
    if (this.hang) {
      return new Promise((resolve, reject) => {
        if (init.signal) init.signal.addEventListener("abort", () => reject(new Error("AbortError")));
      });
    }
    if (!this.tokens.has(headers.Authorization)) return response(401, "unknown credential");
    if (headers["X-Experience-API-Version"] !== "1.0.3") return response(400, "no X-Experience-API-Version");
    const u = new URL(url), path = u.pathname.slice(new URL(ENDPOINT).pathname.length);
    if (path === "activities/state" && method === "GET") {
      const ld = this.launchData.get(u.searchParams.get("registration"));
      return ld ? response(200, ld) : response(404, "");
    }
    if (path === "agents/profile" && method === "GET") {
      this.prefsRead.add(headers.Authorization); this.rules.preferencesRead(headers.Authorization);
      return this.prefs ? response(200, this.prefs) : response(404, "");
    }
    if (path === "statements" && method === "PUT") {
      if (u.searchParams.get("method")) return response(400, "alternate request syntax");
      const stmt = JSON.parse(init.body), id = u.searchParams.get("statementId");
      if (stmt.id !== id) return response(400, "id mismatch");
      if (this.refuse) { const r = this.refuse(stmt); if (r) { this.rejected.push({ stmt, status: r }); return response(r, "refused"); } }
      if (this.strictCmi5) {
        const v = this.rules.check(stmt, headers.Authorization);
        if (v) { this.rejected.push({ stmt, status: 403, id: v }); return response(403, v); }
      }
      if (this.statements.has(id)) return JSON.stringify(this.statements.get(id)) === init.body ? response(204) : response(409, "conflict");
      this.statements.set(id, stmt); this.log.push(stmt);
      return response(204);
    }
    return response(404, "");
  }
  verbs(filter = () => true) { return this.log.filter(filter).map((s) => s.verb.id.split("/").pop()); }
  count(verb) { return this.verbs().filter((v) => v === verb).length; }
}

/* ---------- SCORM APIs, LMS side ---------- */
export class Scorm12API {
  constructor(cmi = {}, { masteryScore = null } = {}) {
    this.cmi = { "cmi.core.lesson_status": "not attempted", "cmi.core.entry": "ab-initio", "cmi.core.student_id": "borger-1", ...cmi };
    this.calls = []; this.masteryScore = masteryScore; this.state = "new";
  }
  LMSInitialize() { this.calls.push("LMSInitialize"); if (this.state !== "new") return "false"; this.state = "running"; return "true"; }
  LMSGetValue(k) { return this.cmi[k] ?? (k === "cmi.interactions._count" ? String(this.count()) : ""); }
  LMSSetValue(k, v) { if (this.state !== "running") return "false"; this.cmi[k] = String(v); return "true"; }
  LMSCommit() { this.calls.push("LMSCommit"); return this.state === "running" ? "true" : "false"; }
  /* Moodle's default "mastery score overrides status": recomputed from the score at finish */
  LMSFinish() {
    this.calls.push("LMSFinish"); if (this.state !== "running") return "false"; this.state = "done";
    const raw = this.cmi["cmi.core.score.raw"];
    if (this.masteryScore !== null && raw !== undefined && raw !== "")
      this.cmi["cmi.core.lesson_status"] = Number(raw) >= this.masteryScore ? "passed" : "failed";
    return "true";
  }
  LMSGetLastError() { return "0"; }
  count() { return new Set(Object.keys(this.cmi).filter((k) => /^cmi\.interactions\.\d+\./.test(k)).map((k) => k.split(".")[2])).size; }
  /* the next launch, as Moodle gives it: entry from the last exit */
  next() {
    const cmi = { ...this.cmi };
    cmi["cmi.core.entry"] = cmi["cmi.core.exit"] === "suspend" ? "resume" : "";
    delete cmi["cmi.core.exit"];
    return new Scorm12API(cmi, { masteryScore: this.masteryScore });
  }
}
export class Scorm2004API {
  constructor(cmi = {}) {
    this.cmi = { "cmi.completion_status": "unknown", "cmi.success_status": "unknown", "cmi.entry": "ab-initio", "cmi.learner_id": "borger-1", ...cmi };
    this.calls = []; this.errors = []; this.state = "new"; this.last = "0";
  }
  Initialize() { this.calls.push("Initialize"); if (this.state !== "new") { this.last = "103"; return "false"; } this.state = "running"; return "true"; }
  GetValue(k) {
    if (k === "cmi.interactions._count") return String(new Set(Object.keys(this.cmi).filter((x) => /^cmi\.interactions\.\d+\./.test(x)).map((x) => x.split(".")[2])).size);
    if (!(k in this.cmi)) { this.last = "403"; this.errors.push(`GetValue(${k}) 403`); return ""; }
    this.last = "0"; return this.cmi[k];
  }
  SetValue(k, v) { if (this.state !== "running") { this.last = "132"; return "false"; } this.cmi[k] = String(v); this.last = "0"; return "true"; }
  Commit() { this.calls.push("Commit"); return this.state === "running" ? "true" : "false"; }
  Terminate() { this.calls.push("Terminate"); if (this.state !== "running") return "false"; this.state = "done"; return "true"; }
  GetLastError() { return this.last; }
  next() {
    const cmi = { ...this.cmi };
    cmi["cmi.entry"] = cmi["cmi.exit"] === "suspend" ? "resume" : "";
    delete cmi["cmi.exit"]; delete cmi["cmi.session_time"];
    return new Scorm2004API(cmi);
  }
}

/* ---------- a browser with tabs ---------- */
export class Browser {
  constructor({ clock = new Clock(), lrs = new FakeLRS() } = {}) {
    this.clock = clock; this.lrs = lrs; this.local = new FakeStorage(this); this.tabs = [];
  }
  storageEvent(from, key, oldValue, newValue) {
    for (const t of this.tabs) if (t.win !== from && !t.closed) t.fire("storage", { key, oldValue, newValue });
  }
  /* open a page: "launch.html" (the shell) or a lesson page on its own */
  async open({ search = "", course: data = course(), api = null, api12 = null, lesson = null, shell = true, session = null } = {}) {
    const t = new Tab(this, { search, data, api, api12, lesson, shell, session });
    this.tabs.push(t);
    await this.clock.advance(0);
    return t;
  }
}
class Tab {
  constructor(browser, { search, data, api, api12, lesson, shell, session }) {
    this.browser = browser; this.listeners = {}; this.warnings = []; this.session = session || new FakeStorage(null);
    const lms = (api || api12) ? { API_1484_11: api || undefined, API: api12 || undefined } : null;
    if (lms) lms.parent = lms;
    const frame = { src: "" }, article = lesson ? { getAttribute: () => lesson } : null;
    const docEl = { classList: { add() {} }, setAttribute() {} };
    const doc = {
      readyState: "complete", documentElement: docEl, addEventListener() {},
      getElementById: (id) => (id === "tk-frame" && shell ? frame : null),
      querySelector: (sel) => (sel === "article.tk-lesson" ? article : null),
      querySelectorAll: () => [],
    };
    const clock = browser.clock, tab = this;
    const win = {
      TK_COURSE: JSON.parse(JSON.stringify(data)),
      location: { search, origin: "https://kurser.example.dk", replace(u) { tab.replaced = u; } },
      fetch: (url, init) => browser.lrs.fetch(url, init),
      setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, Date: clock.Date,
      crypto: globalThis.crypto, btoa, atob, AbortController, URLSearchParams, Uint8Array, Promise, JSON, Math,
      navigator: { sendBeacon: (url, body) => { browser.lrs.requests.push({ url, method: "BEACON", body: String(body) }); return true; } },
      console: { warn: (...a) => tab.warnings.push(a.join(" ")), log() {}, error: (...a) => tab.warnings.push(a.join(" ")) },
      addEventListener: (type, fn) => { (tab.listeners[type] = tab.listeners[type] || []).push(fn); },
      removeEventListener() {}, print() {},
      document: doc, parent: null, opener: null,
    };
    Object.defineProperty(win, "localStorage", { get: () => browser.local.view(win) });
    Object.defineProperty(win, "sessionStorage", { get: () => tab.session.view(win) });
    win.window = win; win.self = win; win.parent = lms || win;
    this.win = win; this.frame = frame;
    vm.createContext(win);
    vm.runInContext(SOURCE, win, { filename: "toolkit.js" });
  }
  get tracker() { return this.win.TK_HOST && this.win.TK_HOST.tracker; }
  fire(type, ev = {}) { for (const fn of this.listeners[type] || []) fn(ev); }
  /* the learner leaves: pagehide (into the back/forward cache when persisted) */
  async hide({ persisted = false } = {}) { this.fire("pagehide", { persisted }); this.fire("beforeunload", {}); await this.browser.clock.advance(0); }
  async show() { this.fire("pageshow", { persisted: true }); await this.browser.clock.advance(0); }
  async close() { await this.hide(); this.closed = true; }
  /* the learner's steps, through the tracker the shell holds (as a lesson page does) */
  async view(...ids) { for (const id of ids) { this.tracker.view(id); await this.browser.clock.advance(10); } }
  async answer(qid, ...choices) { const r = this.tracker.answer(qid, choices); await this.browser.clock.advance(10); return r; }
  async path(id) { this.tracker.setPath(id); await this.browser.clock.advance(10); }
}

export const ACTOR_A = { objectType: "Agent", account: { homePage: "https://lms.example.dk", name: "borger-a" } };
export const ACTOR_B = { objectType: "Agent", account: { homePage: "https://lms.example.dk", name: "borger-b" } };
export function xapiLaunch(actor, registration) {
  return "?" + new URLSearchParams({ endpoint: ENDPOINT, auth: `Basic ${Buffer.from(KEY).toString("base64")}`,
                                     actor: JSON.stringify(actor), registration, activity_id: COURSE_ID });
}
/* statement ids the LRS holds more than once would be a duplicate; ids are unique by Map */
export function perRegistration(lrs, verb) {
  const out = {};
  for (const s of lrs.log) if (s.verb.id.endsWith("/" + verb)) out[s.context.registration] = (out[s.context.registration] || 0) + 1;
  return out;
}
/* a value from a tab's realm, as a plain value of ours (deepStrictEqual compares prototypes) */
export const plain = (x) => JSON.parse(JSON.stringify(x));
