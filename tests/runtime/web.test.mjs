// Issue 16, the runtime half: personal learner codes in a web package built with an LRS
// key, the receipt's facts, and the chosen path on every statement.
import test from "node:test";
import assert from "node:assert/strict";
import { ACTOR_A, Browser, HOMEPAGE, course, plain, xapiLaunch } from "./harness.mjs";

const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/* Luhn mod N, written out here on its own to check the runtime's */
function luhn(body) {
  let sum = 0;
  [...body].reverse().forEach((ch, i) => {
    const v = ALPHABET.indexOf(ch) * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(v / 32) + (v % 32);
  });
  return ALPHABET[(32 - (sum % 32)) % 32];
}
function randomCode(seed) {
  let body = "";
  for (let i = 0; i < 9; i++) body += ALPHABET[(seed * 7 + i * 13 + (seed >> i)) % 32];
  return body + luhn(body);
}

test("learner codes: the check symbol catches every single wrong symbol", async () => {
  const b = new Browser();
  const tab = await b.open({ course: course({ lrs: true }) });
  const TK = tab.win.TK;
  for (let seed = 1; seed < 200; seed++) {
    const code = randomCode(seed);
    assert.equal(TK.codeCheck(code.slice(0, 9)), code[9]);
    const canonical = code.slice(0, 5) + "-" + code.slice(5);
    assert.equal(TK.parseCode(code.toLowerCase()), canonical);
    assert.equal(TK.parseCode(` ${code.slice(0, 3)} ${code.slice(3, 7)}-${code.slice(7)} `), canonical);
    const i = seed % 10, wrong = ALPHABET[(ALPHABET.indexOf(code[i]) + 1 + seed % 31) % 32];
    if (wrong !== code[i]) assert.equal(TK.parseCode(code.slice(0, i) + wrong + code.slice(i + 1)), null, code);
  }
  for (const bad of ["", "K7F3Q-9QX2", "K7F3Q-9QX2MM", "O7F3Q-9QX2M", "010190-1234"]) assert.equal(TK.parseCode(bad), null, bad);
});

test("a personal link: the code is kept for the course and is the statements' account actor", async () => {
  const b = new Browser();
  const code = randomCode(42), canonical = code.slice(0, 5) + "-" + code.slice(5);
  const tab = await b.open({ search: `?learner=${code.toLowerCase()}`, course: course({ lrs: true }) });
  await tab.view("intro");
  await tab.close();
  const later = await b.open({ course: course({ lrs: true }) }); // the bookmark, without the code
  await later.view("regler");
  await b.clock.advance(1000);
  assert.ok(b.lrs.log.length >= 3);
  for (const s of b.lrs.log) assert.deepEqual(s.actor, { objectType: "Agent", account: { homePage: HOMEPAGE, name: canonical } });
  assert.equal(later.tracker.code, canonical);
  assert.equal(later.tracker.broken, undefined);
});

test("a mistyped code gets the Danish message and sends nothing; no code works locally as before", async () => {
  const b = new Browser();
  const code = randomCode(7), bad = code.slice(0, 9) + (code[9] === "2" ? "3" : "2");
  const tab = await b.open({ search: `?learner=${bad}`, course: course({ lrs: true }) });
  await tab.view("intro");
  await b.clock.advance(1000);
  assert.equal(tab.tracker.broken, "code_bad");
  assert.deepEqual(b.lrs.log, []);
  const b2 = new Browser();
  const local = await b2.open({ course: course({ lrs: true }) });
  await local.view("intro");
  await b2.clock.advance(1000);
  assert.equal(local.tracker.code, null);
  assert.equal(b2.lrs.log.length, 2);
  assert.match(b2.lrs.log[0].actor.account.name, /^[0-9a-f-]{36}$/);
});

test("the receipt's facts: when the course was completed and passed, in this browser", async () => {
  const b = new Browser();
  const code = randomCode(9);
  const tab = await b.open({ search: `?learner=${code}`, course: course({ lrs: true }) });
  await tab.view("intro");
  await tab.answer("q1", "ja");
  await b.clock.advance(86400000);
  await tab.view("regler");
  await tab.answer("q2", "ja");
  await tab.view("slut");
  const r = plain(tab.tracker.receipt());
  assert.equal(r.completed, "2026-03-03T09:00:00.040Z");
  assert.equal(r.passed, r.completed);
  assert.equal(r.scaled, 0.5);
});

test("the chosen path goes on every statement about the course as a context extension", async () => {
  const b = new Browser();
  const tab = await b.open({ search: xapiLaunch(ACTOR_A, "r-path"), course: course({ paths: true }) });
  await tab.path("dagpenge");
  await tab.view("intro");
  await tab.answer("q1", "ja");
  await tab.view("regler", "slut");
  await tab.answer("q2", "nej");
  await tab.close();
  const ext = "https://kurser.example.dk/test/extensions/path";
  const verbs = b.lrs.log.map((s) => s.verb.id.split("/").pop());
  assert.deepEqual(verbs, ["initialized", "experienced", "answered", "experienced", "experienced", "completed", "answered", "passed", "terminated"]);
  assert.equal(b.lrs.log[0].context.extensions, undefined, "initialized came before the choice");
  for (const s of b.lrs.log.slice(1)) assert.equal(s.context.extensions[ext], "dagpenge", s.verb.id);
});
