/* toolkit runtime: progress, questions, completion, resume and xAPI statements.
   One file for every page.  launch.html (the shell) holds the LMS session and shows
   lesson pages in a frame; a page opened on its own tracks progress in localStorage.
   No framework, no external requests except to the LRS the course is configured for. */
(function () {
  "use strict";
  var C = window.TK_COURSE;
  if (!C) return;
  var S = C.strings || {};
  var doc = document, win = window;
  doc.documentElement.classList.add("tk-js");
  var X = "http://adlnet.gov/expapi/verbs/";
  var CMI5_CAT = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON_CAT = "https://w3id.org/xapi/cmi5/context/categories/moveon";

  /* ---------- small helpers ---------- */
  function uuid() {
    if (win.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function store(key, value) {
    try { if (value === undefined) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)); return true; }
    catch (e) { return false; }
  }
  function load(key) { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
  function iso(d) { return (d || new Date()).toISOString(); }
  function lessonById(id) { for (var i = 0; i < C.lessons.length; i++) if (C.lessons[i].id === id) return C.lessons[i]; return null; }
  function lessonIRI(id) { return C.id.replace(/\/$/, "") + "/lessons/" + id; }
  function questionIRI(id) { return C.id.replace(/\/$/, "") + "/questions/" + id; }
  function lang() { return C.language || "da"; }
  function map(text) { var m = {}; m[lang()] = text; return m; }

  /* ---------- the resume state: compact, keyed to stable ids ---------- */
  function emptyState() { return { v: 1, s: [], a: {}, f: {}, x: {}, p: "", l: "", c: 0, k: 0, reg: "" }; }
  function applicable(state) {
    return C.lessons.filter(function (l) { return !l.paths.length || !state.p || l.paths.indexOf(state.p) >= 0; });
  }
  function summary(state) {
    var lessons = applicable(state), seen = 0, qs = [], right = 0, answered = 0;
    lessons.forEach(function (l) { if (state.s.indexOf(l.id) >= 0) seen++; qs = qs.concat(l.questions); });
    qs.forEach(function (q) { if (q in state.f) { answered++; if (state.f[q]) right++; } });
    var completed = lessons.length > 0 && seen === lessons.length && (!C.paths.length || !!state.p || lessons.length === C.lessons.length);
    var scaled = qs.length ? right / qs.length : 1;
    var allAnswered = answered === qs.length;
    return {
      total: lessons.length, seen: seen, questions: qs.length, answered: answered, right: right,
      completed: completed, scaled: Math.round(scaled * 10000) / 10000, allAnswered: allAnswered,
      passed: completed && allAnswered && scaled >= C.passMark,
      failed: completed && allAnswered && scaled < C.passMark
    };
  }
  /* suspend data (v2): the state with each question's first-try flag packed in front of its
     answer ("1a,b" = first try right, now a and b), so a question id is stored once; exercise
     text is dropped when the whole does not fit.  v1 (separate "f") is still read. */
  function encode(state, limit) {
    var packed = JSON.parse(JSON.stringify(state)), a = {};
    for (var q in state.a) a[q] = (state.f[q] ? "1" : "0") + state.a[q];
    packed.v = 2; packed.a = a; delete packed.f;
    var full = JSON.stringify(packed);
    if (!limit || full.length <= limit) return full;
    packed.x = {};
    return JSON.stringify(packed);
  }
  function decode(text) {
    try {
      var s = JSON.parse(text);
      if (s && s.v === 2) {
        s.f = {}; for (var q in s.a) { s.f[q] = s.a[q].charAt(0) === "1" ? 1 : 0; s.a[q] = s.a[q].slice(1); }
        s.v = 1;
      }
      if (s && s.v === 1) { var e = emptyState(); for (var k in e) if (!(k in s)) s[k] = e[k]; return s; }
    }
    catch (e) { /* not ours */ }
    return null;
  }

  /* ---------- xAPI: a durable, ordered queue with retry ---------- */
  function Sender(lrs) {
    this.lrs = lrs; this.key = "tk-queue"; this.busy = false; this.delay = 1000; this.timer = null;
    var self = this;
    win.addEventListener("online", function () { self.delay = 1000; self.flush(); });
  }
  Sender.prototype.queue = function () { return load(this.key) || []; };
  Sender.prototype.add = function (stmt) {
    var q = this.queue();
    q.push({ e: this.lrs.endpoint, a: this.lrs.auth, s: stmt });
    if (!store(this.key, q)) this.pending = (this.pending || []).concat([q[q.length - 1]]);
    this.flush();
  };
  Sender.prototype.flush = function () {
    var self = this;
    if (self.busy) return;
    var q = self.queue();
    if (!q.length) return;
    var item = q[0];
    self.busy = true;
    var url = item.e.replace(/\/?$/, "/") + "statements?statementId=" + encodeURIComponent(item.s.id);
    fetch(url, {
      method: "PUT", body: JSON.stringify(item.s), keepalive: true,
      headers: { "Authorization": item.a, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" }
    }).then(function (r) {
      self.busy = false;
      if (r.ok || r.status === 409 || (r.status >= 400 && r.status < 500 && [401, 403, 408, 429].indexOf(r.status) < 0)) {
        if (!r.ok && r.status !== 409 && win.console) console.warn("toolkit: LRS rejected statement " + item.s.id + " (" + r.status + ")");
        if (!r.ok && r.status !== 409) win.TK_REJECTED = (win.TK_REJECTED || 0) + 1;
        var rest = self.queue(); if (rest.length && rest[0].s.id === item.s.id) rest.shift(); store(self.key, rest);
        self.delay = 1000; self.flush();
      } else { self.retry(); }
    }, function () { self.busy = false; self.retry(); });
  };
  Sender.prototype.retry = function () {
    var self = this;
    clearTimeout(self.timer);
    self.timer = setTimeout(function () { self.flush(); }, self.delay);
    self.delay = Math.min(self.delay * 2, 60000);
  };
  /* At page hide: beacons with the 1.0.3 alternate request syntax (no custom headers, no preflight).
     The queue is kept: the next visit re-sends with PUT, which the LRS answers 204 for an identical statement. */
  Sender.prototype.beacon = function () {
    if (!navigator.sendBeacon) return;
    this.queue().slice(0, 20).forEach(function (item) {
      var body = new URLSearchParams();
      body.set("statementId", item.s.id);
      body.set("Authorization", item.a);
      body.set("X-Experience-API-Version", "1.0.3");
      body.set("Content-Type", "application/json");
      body.set("content", JSON.stringify(item.s));
      navigator.sendBeacon(item.e.replace(/\/?$/, "/") + "statements?method=PUT", body);
    });
  };

  /* ---------- LMS adapters ---------- */
  function findAPI(name) {
    function up(w) {
      for (var i = 0; w && i < 10; i++) {
        try { if (w[name]) return w[name]; } catch (e) { return null; }
        if (w.parent === w) break;
        w = w.parent;
      }
      return null;
    }
    var found = up(win.parent !== win ? win.parent : null);
    if (!found && win.opener) found = up(win.opener);
    return found;
  }
  /* durations in whole centiseconds first, so 59.999 s never prints as "60.00" */
  function cs(sec) { return Math.max(0, Math.round(sec * 100)); }
  function hhmmss(sec) {
    var c = Math.min(cs(sec), 999999999), h = Math.floor(c / 360000), m = Math.floor(c % 360000 / 6000), s = c % 6000;
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(Math.floor(s / 100), 2) + "." + pad(s % 100, 2);
  }
  function isoDuration(sec) {
    var c = cs(sec), s = c % 6000;
    return "PT" + Math.floor(c / 360000) + "H" + Math.floor(c % 360000 / 6000) + "M" + Math.floor(s / 100) + "." + pad(s % 100, 2) + "S";
  }

  function Scorm12(api) { this.api = api; this.name = "scorm12"; this.limit = 4096; }
  Scorm12.prototype.start = function () {
    var a = this.api;
    a.LMSInitialize("");
    this.learner = a.LMSGetValue("cmi.core.student_id");
    this.entry = a.LMSGetValue("cmi.core.entry");
    if (a.LMSGetValue("cmi.core.lesson_status") === "not attempted") a.LMSSetValue("cmi.core.lesson_status", "incomplete");
    var st = decode(a.LMSGetValue("cmi.suspend_data") || "");
    if (st) st.l = a.LMSGetValue("cmi.core.lesson_location") || st.l;
    return st;
  };
  Scorm12.prototype.save = function (state, sum) {
    var a = this.api;
    a.LMSSetValue("cmi.suspend_data", encode(state, this.limit));
    if (state.l) a.LMSSetValue("cmi.core.lesson_location", state.l.slice(0, 255));
    if (sum.questions) {
      a.LMSSetValue("cmi.core.score.min", "0"); a.LMSSetValue("cmi.core.score.max", "100");
      a.LMSSetValue("cmi.core.score.raw", String(Math.round(sum.scaled * 100)));
    }
    a.LMSSetValue("cmi.core.lesson_status", sum.passed ? "passed" : sum.failed ? "failed" : sum.completed && !sum.questions ? "completed" : "incomplete");
  };
  Scorm12.prototype.interaction = function (qid, response, correct) {
    var a = this.api, n = parseInt(a.LMSGetValue("cmi.interactions._count"), 10) || 0, p = "cmi.interactions." + n + ".";
    var d = new Date();
    a.LMSSetValue(p + "id", qid.slice(0, 255));
    a.LMSSetValue(p + "type", "choice");
    a.LMSSetValue(p + "student_response", response.join(","));
    a.LMSSetValue(p + "result", correct ? "correct" : "wrong");
    a.LMSSetValue(p + "time", pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2));
  };
  Scorm12.prototype.commit = function () { this.api.LMSCommit(""); };
  Scorm12.prototype.finish = function (sum, seconds) {
    var a = this.api;
    a.LMSSetValue("cmi.core.session_time", hhmmss(seconds));
    a.LMSSetValue("cmi.core.exit", sum.completed ? "" : "suspend");
    a.LMSCommit(""); a.LMSFinish("");
  };

  function Scorm2004(api) { this.api = api; this.name = "scorm2004"; this.limit = 64000; }
  Scorm2004.prototype.start = function () {
    var a = this.api;
    a.Initialize("");
    this.learner = a.GetValue("cmi.learner_id");
    this.entry = a.GetValue("cmi.entry");
    if (this.entry !== "resume") return null; /* reading unset elements is error 403 in SCORM 2004 */
    var st = decode(a.GetValue("cmi.suspend_data") || "");
    if (st) st.l = a.GetValue("cmi.location") || st.l;
    return st;
  };
  Scorm2004.prototype.save = function (state, sum) {
    var a = this.api;
    a.SetValue("cmi.suspend_data", encode(state, this.limit));
    if (state.l) a.SetValue("cmi.location", state.l.slice(0, 1000));
    a.SetValue("cmi.progress_measure", String(sum.total ? Math.round(sum.seen / sum.total * 100) / 100 : 0));
    a.SetValue("cmi.completion_status", sum.completed ? "completed" : "incomplete");
    if (sum.questions && sum.answered) {
      a.SetValue("cmi.score.min", "0"); a.SetValue("cmi.score.max", "100");
      a.SetValue("cmi.score.raw", String(Math.round(sum.scaled * 100)));
      a.SetValue("cmi.score.scaled", String(sum.scaled));
    }
    a.SetValue("cmi.success_status", sum.passed || (sum.completed && !sum.questions) ? "passed" : sum.failed ? "failed" : "unknown");
  };
  Scorm2004.prototype.interaction = function (qid, response, correct) {
    var a = this.api, n = parseInt(a.GetValue("cmi.interactions._count"), 10) || 0, p = "cmi.interactions." + n + ".";
    var q = C.questions[qid];
    a.SetValue(p + "id", questionIRI(qid));
    a.SetValue(p + "type", "choice");
    a.SetValue(p + "timestamp", new Date().toISOString().slice(0, 19));
    a.SetValue(p + "correct_responses.0.pattern", q.correct.join("[,]"));
    a.SetValue(p + "learner_response", response.join("[,]"));
    a.SetValue(p + "result", correct ? "correct" : "incorrect");
    a.SetValue(p + "description", q.prompt.slice(0, 250));
  };
  Scorm2004.prototype.commit = function () { this.api.Commit(""); };
  Scorm2004.prototype.finish = function (sum, seconds) {
    var a = this.api;
    a.SetValue("cmi.session_time", isoDuration(seconds));
    a.SetValue("cmi.exit", sum.completed ? "normal" : "suspend");
    a.Commit(""); a.Terminate("");
  };

  /* Standalone, xAPI and cmi5 launches keep the resume state in localStorage
     (and for xAPI/cmi5 also in the LRS State API where available). */
  function Local(name) { this.name = name; this.key = "tk:" + C.id; this.limit = 0; }
  Local.prototype.start = function () { return load(this.key); };
  Local.prototype.save = function (state) { store(this.key, state); };
  Local.prototype.interaction = function () {};
  Local.prototype.commit = function () {};
  Local.prototype.finish = function () {};

  /* ---------- the tracker: one per attempt, owned by the shell or the page ---------- */
  function Tracker(adapter, lrs, pageSession) {
    this.adapter = adapter; this.lrs = lrs; this.started = Date.now(); this.listeners = []; this.pageSession = !!pageSession;
    var st = null;
    try { st = adapter.start(); } catch (e) { if (win.console) console.warn("toolkit: LMS start failed", e); }
    this.state = st || emptyState();
    if (adapter.entry === "ab-initio" || !this.state.reg) this.state.reg = lrs && lrs.registration || uuid();
    if (lrs && lrs.registration) this.state.reg = lrs.registration;
    this.sender = lrs && lrs.endpoint && lrs.auth ? new Sender(lrs) : null;
    this.finished = false;
    this.begin();
  }
  /* A page opened on its own is one page of a longer visit: "initialized" is sent once per
     browser tab, and "terminated" is never guessed from a page change. */
  Tracker.prototype.begin = function () {
    if (!this.sender) return;
    var key = "tk-session:" + C.id;
    var seen = false;
    if (this.pageSession) { try { seen = !!sessionStorage.getItem(key); sessionStorage.setItem(key, "1"); } catch (e) { /* private mode */ } }
    if (!seen) this.emit("initialized", this.courseObject(), null, true);
    this.sender.flush();
  };
  Tracker.prototype.courseObject = function () {
    return { objectType: "Activity", id: (this.lrs && this.lrs.activityId) || C.id,
             definition: { name: map(C.title), type: "http://adlnet.gov/expapi/activities/course" } };
  };
  Tracker.prototype.emit = function (verb, object, result, cmi5Defined, extraCat) {
    if (!this.sender) return;
    var ctx = JSON.parse(JSON.stringify((this.lrs && this.lrs.contextTemplate) || {}));
    ctx.registration = this.state.reg;
    ctx.contextActivities = ctx.contextActivities || {};
    if (object.id !== this.courseObject().id) ctx.contextActivities.parent = [{ objectType: "Activity", id: this.courseObject().id }];
    var cats = (ctx.contextActivities.category || []).slice();
    if (this.lrs.cmi5 && cmi5Defined) cats.push({ id: CMI5_CAT });
    if (this.lrs.cmi5 && extraCat) cats.push({ id: extraCat });
    if (cats.length) ctx.contextActivities.category = cats; else delete ctx.contextActivities.category;
    var stmt = { id: uuid(), timestamp: iso(), actor: this.lrs.actor, verb: { id: X + verb, display: { "en-US": verb } },
                 object: object, context: ctx };
    if (result) stmt.result = result;
    this.sender.add(stmt);
  };
  Tracker.prototype.summary = function () { return summary(this.state); };
  Tracker.prototype.onChange = function (fn) { this.listeners.push(fn); };
  Tracker.prototype.changed = function (commit) {
    var sum = this.summary();
    try { this.adapter.save(this.state, sum); if (commit) this.adapter.commit(); }
    catch (e) { if (win.console) console.warn("toolkit: LMS save failed", e); }
    var secs = (Date.now() - this.started) / 1000;
    /* c and k are kept in the resume state, so a resumed attempt never sends completed/passed twice */
    var again = false;
    if (sum.completed && !this.state.c) {
      this.state.c = 1; again = true;
      this.emit("completed", this.courseObject(), { completion: true, duration: isoDuration(secs) }, true, MOVEON_CAT);
    }
    if ((sum.passed || sum.failed) && !this.state.k) {
      this.state.k = 1; again = true;
      this.emit(sum.passed ? "passed" : "failed", this.courseObject(),
        { success: sum.passed, score: { scaled: sum.scaled }, duration: isoDuration(secs) }, true, MOVEON_CAT);
    }
    if (again) { try { this.adapter.save(this.state, sum); this.adapter.commit(); } catch (e) { /* reported above */ } }
    this.reported = sum;
    this.listeners.forEach(function (fn) { fn(sum); });
  };
  Tracker.prototype.view = function (lessonId) {
    var l = lessonById(lessonId);
    this.state.l = lessonId;
    var first = this.state.s.indexOf(lessonId) < 0;
    if (first) this.state.s.push(lessonId);
    if (l && first) this.emit("experienced", { objectType: "Activity", id: lessonIRI(lessonId),
      definition: { name: map(l.title), type: "http://adlnet.gov/expapi/activities/lesson" } });
    this.changed(true);
  };
  Tracker.prototype.answer = function (qid, choiceIds) {
    var q = C.questions[qid];
    var correct = q.correct.slice().sort().join(",") === choiceIds.slice().sort().join(",");
    this.state.a[qid] = choiceIds.join(",");
    var first = !(qid in this.state.f);
    if (first) this.state.f[qid] = correct ? 1 : 0;
    try { this.adapter.interaction(qid, choiceIds, correct); } catch (e) { /* LMS rejected: logged by the LMS */ }
    this.emit("answered", { objectType: "Activity", id: questionIRI(qid), definition: {
        name: map(q.prompt), type: "http://adlnet.gov/expapi/activities/cmi.interaction", interactionType: "choice",
        correctResponsesPattern: [q.correct.join("[,]")],
        choices: q.choices.map(function (c) { return { id: c.id, description: map(c.text) }; }) } },
      { response: choiceIds.join("[,]"), success: correct });
    this.changed(true);
    return correct;
  };
  Tracker.prototype.setPath = function (pid) { this.state.p = pid; this.changed(true); };
  Tracker.prototype.exercise = function (id, values, commit) { this.state.x[id] = values; this.changed(commit); };
  Tracker.prototype.finish = function () {
    if (this.finished) return;
    this.finished = true;
    var secs = (Date.now() - this.started) / 1000, sum = this.summary();
    if (!this.pageSession) this.emit("terminated", this.courseObject(), { duration: isoDuration(secs) }, true);
    try { this.adapter.save(this.state, sum); this.adapter.finish(sum, secs); }
    catch (e) { if (win.console) console.warn("toolkit: LMS finish failed", e); }
    if (this.sender) this.sender.beacon();
  };

  /* ---------- launch: which adapter and which LRS ---------- */
  function params() {
    var out = {}; (location.search || "").slice(1).split("&").forEach(function (kv) {
      if (!kv) return; var i = kv.indexOf("="); out[decodeURIComponent(kv.slice(0, i < 0 ? kv.length : i))] = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
    }); return out;
  }
  function localActor() {
    var id = load("tk-learner"); if (!id) { id = uuid(); store("tk-learner", id); }
    return id;
  }
  function embeddedLrs(learnerId) {
    var l = C.lrs || {};
    if (!l.endpoint || !l.key) return null;
    return { endpoint: l.endpoint, auth: "Basic " + btoa(l.key),
             actor: { objectType: "Agent", account: { homePage: l.homepage || location.origin, name: String(learnerId) } } };
  }
  function start(done, inShell) {
    var p = params();
    if (p.fetch && p.endpoint && p.actor) { // cmi5
      fetch(p.fetch, { method: "POST" }).then(function (r) { return r.json(); }).then(function (tok) {
        var lrs = { endpoint: p.endpoint, auth: "Basic " + tok["auth-token"], actor: JSON.parse(p.actor), registration: p.registration,
                    activityId: p.activityId, cmi5: true };
        var url = p.endpoint.replace(/\/?$/, "/") + "activities/state?stateId=LMS.LaunchData&activityId=" + encodeURIComponent(p.activityId) +
          "&agent=" + encodeURIComponent(p.actor) + "&registration=" + encodeURIComponent(p.registration);
        return fetch(url, { headers: { "Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3" } })
          .then(function (r) { return r.ok ? r.json() : {}; }).then(function (ld) {
            lrs.contextTemplate = ld.contextTemplate || {};
            if (typeof ld.masteryScore === "number") C.passMark = ld.masteryScore;
            lrs.returnURL = ld.returnURL;
            done(new Tracker(new Local("cmi5"), lrs));
          });
      })["catch"](function (e) { if (win.console) console.warn("toolkit: cmi5 launch failed", e); done(new Tracker(new Local("web"), null)); });
      return;
    }
    if (p.endpoint && p.auth && p.actor) { // xAPI (Tin Can) launch
      var actor = JSON.parse(p.actor);
      if (Array.isArray(actor.name)) actor.name = actor.name[0];
      if (Array.isArray(actor.account)) actor.account = actor.account[0];
      if (actor.account && actor.account.accountName) actor.account = { homePage: actor.account.accountServiceHomePage, name: actor.account.accountName };
      done(new Tracker(new Local("xapi"), { endpoint: p.endpoint, auth: p.auth, actor: actor, registration: p.registration,
                                           activityId: p.activity_id }));
      return;
    }
    var api2004 = C.format !== "scorm12" && findAPI("API_1484_11");
    var api12 = !api2004 && findAPI("API");
    var adapter = api2004 ? new Scorm2004(api2004) : api12 ? new Scorm12(api12) : new Local("web");
    var tracker = new Tracker(adapter, null, adapter.name === "web" && !inShell);
    var lrs = embeddedLrs(adapter.learner || localActor());
    if (lrs) { tracker.lrs = lrs; tracker.sender = new Sender(lrs); tracker.begin(); }
    done(tracker);
  }

  /* ---------- the shell (launch.html) ---------- */
  function shell(frame) {
    start(function (tracker) {
      win.TK_HOST = { tracker: tracker };
      var l = tracker.state.l && lessonById(tracker.state.l);
      frame.src = l ? l.file : "index.html";
      var end = function () { tracker.finish(); };
      win.addEventListener("pagehide", end);
      win.addEventListener("beforeunload", end);
    }, true);
  }

  /* ---------- a page: enhance questions, exercises, navigation ---------- */
  function host() {
    try { if (win.parent !== win && win.parent.TK_HOST) return win.parent.TK_HOST; } catch (e) { /* other origin */ }
    return null;
  }
  function page(tracker, standalone) {
    var article = doc.querySelector("article.tk-lesson");
    var lessonId = article && article.getAttribute("data-lesson");
    doc.querySelectorAll("form.tk-quiz").forEach(function (form) { quiz(form, tracker); });
    doc.querySelectorAll("form.tk-exercise-form").forEach(function (form) { exercise(form, tracker); });
    paths(tracker);
    pager(tracker, lessonId);
    var status = doc.querySelector("[data-tk-status]");
    /* said once per browser, and kept for the whole of that page view */
    var notice = standalone && !!status && !load("tk-told");
    if (notice) store("tk-told", 1);
    function show(sum) {
      doc.querySelectorAll(".tk-lesson-list li[data-lesson]").forEach(function (li) {
        li.classList.toggle("tk-done", tracker.state.s.indexOf(li.getAttribute("data-lesson")) >= 0);
      });
      if (!status) return;
      var text = (S.completed_lessons || "{done} / {total}").replace("{done}", sum.seen).replace("{total}", sum.total);
      var html = "<p>" + text + "</p>";
      if (sum.completed) html = "<p class=\"tk-complete\">" + S.complete + "</p>" + html;
      if (notice) html += "<p class=\"tk-notice\">" + S.standalone + "</p>";
      if (status.innerHTML !== html) status.innerHTML = html;
      var startLink = doc.querySelector("[data-tk-start]");
      var next = applicable(tracker.state).filter(function (l) { return tracker.state.s.indexOf(l.id) < 0; })[0];
      if (startLink && sum.seen && next) { startLink.textContent = S.continue_course || startLink.textContent; startLink.href = next.file; }
    }
    tracker.onChange(show);
    if (lessonId) tracker.view(lessonId); else show(tracker.summary());
    if (standalone) {
      var end = function () { tracker.finish(); };
      win.addEventListener("pagehide", end);
    }
    doc.documentElement.setAttribute("data-tk-ready", ""); /* questions, paths and pager are live */
  }
  function quiz(form, tracker) {
    var qid = form.getAttribute("data-question"), q = C.questions[qid];
    var feedback = form.querySelector(".tk-feedback"), answer = form.querySelector(".tk-answer");
    var explanation = answer && answer.querySelector(".tk-explanation");
    function render(ids, correct, focus) {
      form.querySelectorAll(".tk-choice").forEach(function (div) {
        var input = div.querySelector("input"), fb = div.querySelector(".tk-choice-feedback");
        div.classList.toggle("tk-right", q.correct.indexOf(input.value) >= 0);
        if (fb) fb.hidden = ids.indexOf(input.value) < 0;
      });
      feedback.className = "tk-feedback " + (correct ? "tk-ok" : "tk-no");
      feedback.innerHTML = "<p><strong>" + (correct ? S.correct : S.incorrect) + "</strong></p>" + (explanation ? explanation.innerHTML : "");
      if (focus) feedback.focus();
    }
    var saved = tracker.state.a[qid];
    if (saved) {
      var ids = saved.split(",");
      form.querySelectorAll("input").forEach(function (i) { i.checked = ids.indexOf(i.value) >= 0; });
      render(ids, q.correct.slice().sort().join(",") === ids.slice().sort().join(","), false);
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var ids = Array.prototype.filter.call(form.querySelectorAll("input"), function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      if (!ids.length) { feedback.className = "tk-feedback tk-no"; feedback.innerHTML = "<p>" + S.choose_answer + "</p>"; feedback.focus(); return; }
      render(ids, tracker.answer(qid, ids), true);
    });
  }
  function exercise(form, tracker) {
    var id = form.getAttribute("data-exercise"), key = "tk-x:" + C.id + ":" + id;
    var values = tracker.state.x[id] || load(key) || {};
    var fields = form.querySelectorAll("input, textarea");
    fields.forEach(function (f) { if (values[f.name]) f.value = values[f.name]; });
    var timer = null;
    function collect(commit) {
      var v = {}; fields.forEach(function (f) { if (f.value) v[f.name] = f.value; });
      store(key, v); tracker.exercise(id, v, commit);
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { collect(false); }, 800); });
    form.addEventListener("change", function () { collect(true); });
    var actions = form.querySelector("[data-tk-exercise-actions]");
    if (actions) actions.hidden = false;
    var printBtn = form.querySelector("[data-tk-print]"), saveBtn = form.querySelector("[data-tk-save]");
    if (printBtn) printBtn.addEventListener("click", function () { win.print(); });
    if (saveBtn) saveBtn.addEventListener("click", function () {
      var section = form.closest(".tk-exercise"), title = section.querySelector("h2").textContent.trim();
      var text = title + "\n" + "=".repeat(title.length) + "\n\n";
      fields.forEach(function (f) {
        var label = form.querySelector("label[for='" + f.id + "']");
        text += (label ? label.textContent.trim() : f.name) + "\n" + (f.value || "-") + "\n\n";
      });
      var a = doc.createElement("a");
      a.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
      a.download = id + ".txt"; doc.body.appendChild(a); a.click(); a.remove();
    });
  }
  function paths(tracker) {
    var box = doc.querySelector("[data-tk-paths]");
    function apply() {
      doc.querySelectorAll(".tk-lesson-list li[data-paths]").forEach(function (li) {
        li.hidden = !!tracker.state.p && li.getAttribute("data-paths").split(" ").indexOf(tracker.state.p) < 0;
      });
    }
    if (box) {
      /* a choice made while the page was still loading counts */
      var early = !tracker.state.p && box.querySelector("input:checked");
      if (early) tracker.setPath(early.value);
      box.querySelectorAll("input").forEach(function (i) {
        i.checked = i.value === tracker.state.p;
        i.addEventListener("change", function () { tracker.setPath(i.value); apply(); });
      });
    }
    apply();
  }
  function pager(tracker, lessonId) {
    if (!lessonId || !tracker.state.p) return;
    var list = applicable(tracker.state), ids = list.map(function (l) { return l.id; }), i = ids.indexOf(lessonId);
    if (i < 0) return;
    var next = doc.querySelector("a.tk-next"), prev = doc.querySelector("a.tk-prev");
    var nt = doc.getElementById("tk-next-title"), pt = doc.getElementById("tk-prev-title");
    if (next) { next.href = list[i + 1] ? list[i + 1].file : "index.html"; if (nt && list[i + 1]) nt.textContent = list[i + 1].title; }
    if (prev && i > 0) { prev.href = list[i - 1].file; if (pt) pt.textContent = list[i - 1].title; }
  }

  win.TK = { summary: summary, encode: encode, emptyState: emptyState };
  function boot() {
    /* folded lists (the sources) open by themselves where the screen has room */
    if (win.matchMedia && win.matchMedia("(min-width: 48em)").matches)
      doc.querySelectorAll("details[data-tk-open-wide]").forEach(function (d) { d.open = true; });
    var frame = doc.getElementById("tk-frame");
    if (frame) { shell(frame); return; }
    var h = host();
    if (h) { page(h.tracker, false); return; }
    /* no LMS: progress lives in this browser (statements may still go to an embedded LRS) */
    start(function (tracker) { page(tracker, tracker.adapter.name === "web"); });
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", boot); else boot();
})();
