// The AU-side cmi5 rules that ADL's CATAPULT player checks in its LRS proxy, re-implemented
// for the tests, each keyed to its id in the npm package @cmi5/requirements.  A statement
// that breaks one is refused with 403 and the id, as CATAPULT answers.
import { createRequire } from "node:module";

const REQUIREMENTS = createRequire(import.meta.url)("@cmi5/requirements");
const CMI5 = "https://w3id.org/xapi/cmi5/context/";
const SESSION = CMI5 + "extensions/sessionid", MASTERY = CMI5 + "extensions/masteryscore";
const CAT = CMI5 + "categories/cmi5", MOVEON = CMI5 + "categories/moveon";
const JUDGED = ["completed", "passed", "failed"];
const DURATION = { terminated: "9.5.4.1-1", completed: "9.5.4.1-2", passed: "9.5.4.1-3", failed: "9.5.4.1-4" };

/* every id used here exists in @cmi5/requirements, with its text */
export const USED = ["11.0.0.0-3", "9.6.3.1-4", "9.3.0.0-5", "9.3.0.0-4", "9.3.2.0-3", "9.3.0.0-2", "9.6.2.0-1",
  "10.2.2.0-2", "10.2.2.0-3", "9.3.0.0-6", "9.3.0.0-7", "9.3.0.0-8", "9.3.0.0-3", "9.6.3.2-2", "9.3.4.0-2",
  "9.3.5.0-2", "9.6.2.2-1", "9.6.2.2-2", ...Object.values(DURATION)];
for (const id of USED) if (!REQUIREMENTS[id]) throw new Error(`cmi5rules: ${id} is not a cmi5 requirement id`);
export function requirement(id) { return REQUIREMENTS[id].txt; }

/* Sessions the LMS launched: sessionId -> { mode, masteryScore, registration, grouping, auth }. */
export class Cmi5Rules {
  constructor() { this.sessions = new Map(); this.registrations = new Map(); this.prefs = new Set(); }
  launch(sessionId, info) { this.sessions.set(sessionId, { ...info, verbs: [], ended: false }); }
  preferencesRead(auth) { this.prefs.add(auth); }
  /* null, or the id of the first requirement *stmt* breaks */
  check(stmt, auth) {
    const ctx = stmt.context || {}, ext = ctx.extensions || {}, ca = ctx.contextActivities || {};
    const sessionId = ext[SESSION];
    if (!sessionId) return "9.6.3.1-4";
    const s = this.sessions.get(sessionId);
    if (!s) return "9.6.3.1-4";
    const verb = stmt.verb.id.split("/").pop(), cats = (ca.category || []).map((c) => c.id);
    const defined = cats.includes(CAT), result = stmt.result || {};
    const reg = this.registrations.get(s.registration) || { completed: 0, passed: 0, failed: 0 };
    if (!this.prefs.has(auth)) return "11.0.0.0-3";
    if (s.ended) return "9.3.0.0-5";
    if (!s.verbs.length && verb !== "initialized") return "9.3.0.0-4";
    if (verb === "initialized" && s.verbs.includes("initialized")) return "9.3.2.0-3";
    if (defined && s.verbs.includes(verb)) return "9.3.0.0-2";
    const grouping = (ca.grouping || []).map((g) => g.id);
    if (defined && !s.grouping.every((g) => grouping.includes(g))) return "9.6.2.0-1";
    if (defined && JUDGED.includes(verb) && s.mode === "Browse") return "10.2.2.0-2";
    if (defined && JUDGED.includes(verb) && s.mode === "Review") return "10.2.2.0-3";
    if (defined && verb === "completed" && reg.completed) return "9.3.0.0-6";
    if (defined && verb === "passed" && reg.passed) return "9.3.0.0-7";
    if (defined && verb === "failed" && reg.passed) return "9.3.0.0-8";
    if (defined && (verb === "passed" || verb === "failed") && (reg.passed || reg.failed)) return "9.3.0.0-3";
    if (defined && DURATION[verb] && !result.duration) return DURATION[verb];
    const scaled = result.score && result.score.scaled;
    if (defined && (verb === "passed" || verb === "failed") && typeof s.masteryScore === "number") {
      if (ext[MASTERY] !== s.masteryScore) return "9.6.3.2-2";
      if (verb === "passed" && typeof scaled === "number" && scaled < s.masteryScore) return "9.3.4.0-2";
      if (verb === "failed" && typeof scaled === "number" && scaled >= s.masteryScore) return "9.3.5.0-2";
    }
    const judged = "success" in result || "completion" in result;
    if (defined && judged && !cats.includes(MOVEON)) return "9.6.2.2-1";
    if (cats.includes(MOVEON) && !(defined && judged)) return "9.6.2.2-2";
    s.verbs.push(verb);
    if (verb === "terminated") s.ended = true;
    if (defined && JUDGED.includes(verb)) { reg[verb] += 1; this.registrations.set(s.registration, reg); }
    return null;
  }
}
