// Issue 14, cases 13, 14, 16, 17 and 18: SCORM sessions, statuses that only go up, the
// SCORM 1.2 suspend-data limit, and an LMS set up like Moodle's player.
import test from "node:test";
import assert from "node:assert/strict";
import { Browser, Scorm12API, Scorm2004API, course } from "./harness.mjs";

test("case 13: a lesson opened directly in the SCORM frame hands over to the shell: one session", async () => {
  const b = new Browser();
  const api = new Scorm12API();
  const page = await b.open({ shell: false, lesson: "regler", api12: api });
  assert.deepEqual(api.calls, [], "the page starts no session of its own");
  assert.equal(page.replaced, "launch.html?lesson=regler");
  const shell = await b.open({ search: "?lesson=regler", api12: api });
  assert.equal(shell.frame.src, "02-regler.html");
  await shell.view("regler", "intro");
  await shell.hide();
  assert.equal(api.calls.filter((c) => c === "LMSInitialize").length, 1);
  assert.equal(api.calls.filter((c) => c === "LMSFinish").length, 1);
  assert.match(api.cmi["cmi.core.session_time"], /^\d{4}:\d\d:\d\d\.\d\d$/);
});

test("case 14: SCORM 2004, reopened after exit=normal with no resume data: the LMS's statuses stay", async () => {
  const b = new Browser();
  const api = new Scorm2004API();
  const first = await b.open({ api });
  for (const [q, c] of [["q1", "ja"], ["q2", "nej"]]) await first.answer(q, c);
  await first.view("intro", "regler", "slut");
  await first.hide();
  assert.equal(api.cmi["cmi.exit"], "normal");
  const next = api.next();
  delete next.cmi["cmi.suspend_data"]; // a new attempt on the LMS side: no resume data
  const again = await b.open({ api: next });
  await again.view("intro");
  await again.hide();
  assert.equal(next.cmi["cmi.completion_status"], "completed");
  assert.equal(next.cmi["cmi.success_status"], "passed");
  assert.equal(next.cmi["cmi.score.scaled"], "1");
  assert.equal(again.tracker.summary().done, true);
});

test("case 14: SCORM 1.2 passed stays passed, and failed never becomes incomplete", async () => {
  for (const status of ["passed", "failed", "completed"]) {
    const b = new Browser();
    const api = new Scorm12API({ "cmi.core.lesson_status": status, "cmi.core.entry": "" });
    const tab = await b.open({ api12: api });
    await tab.view("intro");
    await tab.hide();
    assert.equal(api.cmi["cmi.core.lesson_status"], status);
  }
});

test("case 16: past SCORM 1.2's 4,096 characters the exercise text is dropped, and the page is told", async () => {
  const b = new Browser();
  const api = new Scorm12API();
  const tab = await b.open({ api12: api, course: course({ exercise: true }) });
  tab.tracker.exercise("mappe", { job: "kort" }, true);
  assert.equal(tab.tracker.adapter.dropped, false);
  assert.ok(api.cmi["cmi.suspend_data"].includes("kort"));
  tab.tracker.exercise("mappe", { job: "x".repeat(5000) }, true);
  assert.ok(api.cmi["cmi.suspend_data"].length <= 4096);
  assert.equal(tab.tracker.adapter.dropped, true);
  assert.ok(!api.cmi["cmi.suspend_data"].includes("xxxx"));
});

test("case 17: SCORM 1.2 under Moodle's mastery override: leaving early never reads as failed", async () => {
  const b = new Browser();
  const api = new Scorm12API({}, { masteryScore: 50 });
  const tab = await b.open({ api12: api });
  await tab.view("intro");
  await tab.answer("q1", "nej"); // wrong, one of two
  await tab.hide();
  assert.equal(api.cmi["cmi.core.lesson_status"], "incomplete");
  assert.equal(api.cmi["cmi.core.score.raw"], undefined, "no score before it means something");
  assert.equal(api.cmi["cmi.core.exit"], "suspend");
  // the attempt then ends: now the score decides, the same way the runtime does
  const again = await b.open({ api12: api.next() });
  assert.deepEqual(Object.keys(again.tracker.state.f), ["q1"]);
  await again.answer("q2", "nej");
  await again.view("regler", "slut");
  await again.hide();
  const last = b.tabs[1].win.parent.API;
  assert.equal(last.cmi["cmi.core.lesson_status"], "passed");
  assert.equal(last.cmi["cmi.core.score.raw"], "50");
});

test("case 18: SCORM 2004 whose final save never arrives resumes: exit=suspend is set early", async () => {
  const b = new Browser();
  const api = new Scorm2004API();
  const tab = await b.open({ api });
  await tab.view("intro");
  await tab.answer("q1", "ja");
  await tab.view("regler");
  // the phone closes the browser: no pagehide, no Terminate; what was committed stays
  assert.equal(api.calls.includes("Terminate"), false);
  const next = api.next();
  assert.equal(next.cmi["cmi.entry"], "resume");
  const again = await b.open({ api: next });
  assert.deepEqual([...again.tracker.state.s], ["intro", "regler"]);
  assert.equal(again.tracker.state.l, "regler");
});

test("case 18: suspend data is read even when the LMS says ab-initio", async () => {
  const b = new Browser();
  const api = new Scorm2004API();
  const tab = await b.open({ api });
  await tab.view("intro");
  const next = api.next();
  next.cmi["cmi.entry"] = "ab-initio";
  const again = await b.open({ api: next });
  assert.deepEqual([...again.tracker.state.s], ["intro"]);
  assert.deepEqual(next.errors, [], "no read of an unset element");
});
