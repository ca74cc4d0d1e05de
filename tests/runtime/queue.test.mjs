// Issue 14, cases 6-11: the statement queue, tabs, shared phones, standalone pages.
import test from "node:test";
import assert from "node:assert/strict";
import { ACTOR_A, ACTOR_B, Browser, FakeStorage, course, perRegistration, plain, xapiLaunch } from "./harness.mjs";

const ALL = ["initialized", "experienced", "answered", "experienced", "answered", "experienced", "completed", "passed"];

async function takeCourse(tab) {
  await tab.view("intro");
  await tab.answer("q1", "ja");
  await tab.view("regler");
  await tab.answer("q2", "nej");
  await tab.view("slut");
}

test("case 6: a permanently refused statement is set aside with its answer and blocks nothing", async () => {
  for (const status of [400, 401, 403, 404, 409, 413]) {
    const b = new Browser();
    b.lrs.refuse = (s) => (s.verb.id.endsWith("/answered") && s.object.id.endsWith("/q1") ? status : 0);
    const tab = await b.open({ search: xapiLaunch(ACTOR_A, "r-6") });
    await takeCourse(tab);
    await b.clock.advance(5000);
    assert.deepEqual(b.lrs.verbs(), ALL.filter((v, i) => i !== 2), `status ${status}`);
    const aside = tab.win.TK.rejected();
    assert.equal(aside.length, 1);
    assert.equal(aside[0].status, status);
    assert.equal(aside[0].answer, "refused");
    assert.ok(aside[0].statement.object.id.endsWith("/q1"));
    assert.ok(tab.warnings.some((w) => w.includes(aside[0].statement.id) && w.includes(String(status))));
    assert.equal(b.lrs.rejected.length, 1, "tried once, not for ever");
  }
});

test("case 6: one queue per endpoint and credential: a failing launch never holds up another course", async () => {
  const b = new Browser();
  const broken = `Basic ${Buffer.from("old:expired").toString("base64")}`;
  b.lrs.tokens.add(broken);
  b.lrs.refuse = (s) => (s.actor.account.name === "borger-b" ? 503 : 0);
  const q = new URLSearchParams(xapiLaunch(ACTOR_B, "r-6b").slice(1));
  q.set("auth", broken);
  const stuck = await b.open({ search: "?" + q });
  await stuck.view("intro");
  const ok = await b.open({ search: xapiLaunch(ACTOR_A, "r-6c") });
  await takeCourse(ok);
  await b.clock.advance(3000);
  assert.deepEqual(b.lrs.verbs((s) => s.context.registration === "r-6c"), ALL);
});

test("case 7: a request that never answers is given up and retried; nothing waits for page hide", async () => {
  const b = new Browser();
  b.lrs.hang = true;
  const tab = await b.open({ search: xapiLaunch(ACTOR_A, "r-7") });
  await takeCourse(tab);
  await b.clock.advance(1000);
  assert.deepEqual(b.lrs.log, []);
  b.lrs.hang = false;
  await b.clock.advance(20000);
  assert.deepEqual(b.lrs.verbs(), ALL);
  assert.ok(!b.lrs.requests.some((r) => r.keepalive), "sent while the page is open");
});

test("case 8: storage refused (a third-party frame): the queue lives in memory and still sends", async () => {
  const b = new Browser();
  b.local.refused = true;
  const session = new FakeStorage(null);
  session.refused = true;
  const tab = await b.open({ search: xapiLaunch(ACTOR_A, "r-8"), session });
  await takeCourse(tab);
  await b.clock.advance(1000);
  assert.deepEqual(b.lrs.verbs(), ALL);
  assert.equal(tab.tracker.summary().completed, true);
});

test("case 9: two tabs of one attempt: once-per-registration statements go once, progress adds up", async () => {
  const b = new Browser();
  const search = xapiLaunch(ACTOR_A, "r-9");
  const one = await b.open({ search });
  const two = await b.open({ search });
  await one.view("intro");
  await one.answer("q1", "ja");
  await two.view("intro", "regler");
  await two.answer("q2", "nej");
  await one.view("regler", "slut");
  await two.view("slut");
  await b.clock.advance(3000);
  const verbs = b.lrs.verbs();
  assert.equal(verbs.filter((v) => v === "experienced").length, 3);
  assert.deepEqual(perRegistration(b.lrs, "completed"), { "r-9": 1 });
  assert.deepEqual(perRegistration(b.lrs, "passed"), { "r-9": 1 });
  for (const t of [one, two]) {
    assert.deepEqual([...t.tracker.state.s].sort(), ["intro", "regler", "slut"]);
    assert.deepEqual(Object.keys(t.tracker.state.f).sort(), ["q1", "q2"]);
  }
  assert.equal(new Set(b.lrs.log.map((s) => s.id)).size, b.lrs.log.length);
});

test("case 10: a shared phone: learner B never sees learner A's answers or text", async () => {
  const b = new Browser();
  const a = await b.open({ search: xapiLaunch(ACTOR_A, "r-10a"), course: course({ exercise: true }) });
  await a.view("intro");
  await a.answer("q1", "nej");
  a.tracker.exercise("mappe", { job: "Lager, Netto" }, true);
  await a.close();
  const other = await b.open({ search: xapiLaunch(ACTOR_B, "r-10b"), course: course({ exercise: true }) });
  assert.deepEqual(plain(other.tracker.state.a), {});
  assert.deepEqual(plain(other.tracker.state.x), {});
  assert.deepEqual(plain(other.tracker.state.s), []);
  // A comes back to the same attempt: A's own state is there
  const back = await b.open({ search: xapiLaunch(ACTOR_A, "r-10a"), course: course({ exercise: true }) });
  assert.deepEqual(plain(back.tracker.state.x), { mappe: { job: "Lager, Netto" } });
});

test("case 11: lesson pages opened on their own never stand in for a later launch", async () => {
  const b = new Browser();
  for (const lesson of ["intro", "regler", "slut"]) {
    const page = await b.open({ shell: false, lesson });
    await page.close();
  }
  const tab = await b.open({ search: xapiLaunch(ACTOR_A, "r-11") });
  await takeCourse(tab);
  await b.clock.advance(1000);
  assert.deepEqual(b.lrs.verbs(), ALL);
});
