// Issue 14, cases 1-5 and 12: cmi5 as ADL's CATAPULT player checks it (cmi5rules.mjs answers
// 403 + the requirement id, as its LRS proxy does), reloads and the back/forward cache.
import test from "node:test";
import assert from "node:assert/strict";
import { ACTOR_A, Browser, ENDPOINT, FakeStorage, perRegistration } from "./harness.mjs";

const AU = "https://lms.example.dk/course/7f1c/au/0"; // the LMS's own AU id, not under the course IRI
const MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

async function takeCourse(tab, { right = true } = {}) {
  await tab.view("intro");
  await tab.answer("q1", right ? "ja" : "nej");
  await tab.view("regler");
  await tab.answer("q2", right ? "nej" : "ja");
  await tab.view("slut");
}

for (const mode of ["Normal", "Browse", "Review"]) {
  test(`case 1-3: a cmi5 ${mode} launch breaks no rule CATAPULT checks`, async () => {
    const b = new Browser();
    b.lrs.strictCmi5 = true;
    const reg = "0b5e3f1a-6a4b-4c1e-9f0e-000000000001";
    const tab = await b.open({ search: b.lrs.cmi5Launch({ registration: reg, actor: ACTOR_A, auId: AU, mode }) });
    await takeCourse(tab);
    await tab.close();
    await b.clock.advance(1000);
    assert.deepEqual(b.lrs.rejected.map((r) => `${r.id} ${r.stmt.verb.id}`), []);
    const verbs = b.lrs.verbs();
    assert.equal(verbs[0], "initialized");
    assert.equal(verbs[verbs.length - 1], "terminated");
    const judged = verbs.filter((v) => ["completed", "passed", "failed"].includes(v));
    assert.deepEqual(judged, mode === "Normal" ? ["completed", "passed"] : []);
    for (const s of b.lrs.log) {
      assert.equal(s.context.registration, reg);
      assert.deepEqual(s.context.contextActivities.grouping, [{ objectType: "Activity", id: "https://kurser.example.dk/test" }]);
    }
  });
}

test("case 1: the learner preferences are read at start-up, and their language is used", async () => {
  const b = new Browser();
  b.lrs.prefs = { languagePreference: "en-US,da-DK", audioPreference: "on" };
  const tab = await b.open({ search: b.lrs.cmi5Launch({ registration: "r-1", actor: ACTOR_A, auId: AU }) });
  await tab.answer("q1", "ja");
  const profile = b.lrs.requests.filter((r) => r.url.includes("agents/profile"));
  assert.equal(profile.length, 1);
  assert.match(profile[0].url, /profileId=cmi5LearnerPreferences/);
  const answered = b.lrs.log.find((s) => s.verb.id.endsWith("answered"));
  assert.deepEqual(Object.keys(answered.object.definition.name), ["da-DK"]);
});

test("case 2: passed and failed carry the LMS's masteryScore", async () => {
  for (const right of [true, false]) {
    const b = new Browser();
    const tab = await b.open({ search: b.lrs.cmi5Launch({ registration: "r-2", actor: ACTOR_A, auId: AU, masteryScore: 0.5 }) });
    await takeCourse(tab, { right });
    const judged = b.lrs.log.find((s) => /\/(passed|failed)$/.test(s.verb.id));
    assert.equal(judged.verb.id.split("/").pop(), right ? "passed" : "failed");
    assert.equal(judged.context.extensions[MASTERY], 0.5);
  }
});

test("case 4: what is left at page hide goes as keepalive PUTs with real headers, never ?method=", async () => {
  const b = new Browser();
  const tab = await b.open({ search: b.lrs.cmi5Launch({ registration: "r-4", actor: ACTOR_A, auId: AU }) });
  b.lrs.down = true;
  await takeCourse(tab);
  b.lrs.down = false; // back, but the next retry is seconds away: the learner closes now
  await tab.close();
  assert.deepEqual(b.lrs.verbs(), ["initialized", "experienced", "answered", "experienced", "answered", "experienced",
                                   "completed", "passed", "terminated"]);
  const late = b.lrs.requests.filter((r) => r.keepalive);
  assert.ok(late.length >= 8);
  for (const r of late) {
    assert.equal(r.method, "PUT");
    assert.match(r.headers.Authorization, /^Basic [A-Za-z0-9+/=]+$/);
    assert.equal(r.headers["X-Experience-API-Version"], "1.0.3");
  }
  assert.deepEqual(b.lrs.requests.filter((r) => r.method === "BEACON" || r.url.includes("method=")), []);
});

test("case 5: a reload reuses the launch's token; the session it ended stays ended", async () => {
  const b = new Browser();
  b.lrs.strictCmi5 = true;
  const session = new FakeStorage(null); // the tab's sessionStorage survives the reload
  const search = b.lrs.cmi5Launch({ registration: "r-5", actor: ACTOR_A, auId: AU });
  const first = await b.open({ search, session });
  await first.view("intro");
  await first.answer("q1", "ja");
  await first.hide(); // reload: the old page goes
  const again = await b.open({ search, session });
  await b.clock.advance(100);
  assert.equal(b.lrs.requests.filter((r) => r.url.includes("/cmi5/fetch")).length, 1);
  assert.ok(again.tracker, "the reloaded page has a tracker");
  assert.equal(again.tracker.broken, "session_ended");
  await again.view("regler", "slut");
  await again.hide();
  await b.clock.advance(60000);
  assert.deepEqual(b.lrs.verbs(), ["initialized", "experienced", "answered", "terminated"]);
  assert.deepEqual(b.lrs.rejected, []);
  assert.ok(!b.lrs.requests.some((r) => r.headers && /undefined/.test(r.headers.Authorization || "")));
});

test("case 5: a reload that cannot get a token fails visibly and never sends Basic undefined", async () => {
  const b = new Browser();
  const search = b.lrs.cmi5Launch({ registration: "r-5b", actor: ACTOR_A, auId: AU });
  const first = await b.open({ search });
  await takeCourse(first);
  // the same URL again in a new tab: the fetch URL answers with an error-code
  const again = await b.open({ search });
  await b.clock.advance(100);
  assert.equal(again.tracker.broken, "launch_failed");
  await again.view("intro");
  await b.clock.advance(60000);
  assert.ok(!b.lrs.requests.some((r) => r.headers && /undefined/.test(r.headers.Authorization || "")));
  assert.ok(again.warnings.some((w) => /cmi5 launch failed/.test(w)));
  // the next proper launch is not blocked
  const reg = "r-5c";
  const next = await b.open({ search: b.lrs.cmi5Launch({ registration: reg, actor: ACTOR_A, auId: AU }) });
  await takeCourse(next);
  await next.close();
  assert.deepEqual(b.lrs.verbs((s) => s.context.registration === reg),
                   ["initialized", "experienced", "answered", "experienced", "answered", "experienced", "completed", "passed", "terminated"]);
});

test("case 12: restored from the back/forward cache after terminated, the page sends nothing more", async () => {
  const b = new Browser();
  b.lrs.strictCmi5 = true;
  const tab = await b.open({ search: b.lrs.cmi5Launch({ registration: "r-12", actor: ACTOR_A, auId: AU }) });
  await tab.view("intro");
  await tab.hide({ persisted: true });
  await tab.show();
  await tab.answer("q1", "ja");
  await tab.view("regler", "slut");
  await tab.answer("q2", "nej");
  await b.clock.advance(60000);
  assert.deepEqual(b.lrs.verbs(), ["initialized", "experienced", "terminated"]);
  assert.deepEqual(b.lrs.rejected, []);
  assert.deepEqual(perRegistration(b.lrs, "completed"), {});
  assert.ok(ENDPOINT);
});
