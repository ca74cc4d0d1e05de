  /* ---------- the tracker: one per launch, owned by the shell or the page ---------- */
  function Tracker(adapter, lrs, pageSession) {
    this.adapter = adapter; this.started = now(); this.listeners = []; this.pageSession = !!pageSession;
    var st = null, self = this;
    try { st = adapter.start(); } catch (e) { warn("LMS start failed", e); }
    this.state = st || emptyState();
    this.prior = adapter.prior || {};
    if (typeof lrs === "function") lrs = lrs(adapter);
    if (lrs && lrs.registration) this.state.reg = lrs.registration;
    if (!this.state.reg) this.state.reg = uuid();
    this.finished = false;
    /* another tab of the same attempt saved: take its progress */
    if (adapter.key && win.addEventListener) win.addEventListener("storage", function (e) {
      if (e.key !== adapter.key || !e.newValue) return;
      try { self.state = merge(self.state, JSON.parse(e.newValue)); } catch (err) { return; }
      self.notify();
    });
    this.connect(lrs || null);
  }
  /* A page opened on its own is one page of a longer visit: "initialized" is sent once per
     browser tab, and "terminated" is never guessed from a page change. */
  Tracker.prototype.connect = function (lrs) {
    this.lrs = lrs;
    this.sender = lrs && lrs.endpoint && lrs.auth ? senderFor(lrs) : null;
    if (!this.sender) return;
    this.onceKey = "tk-once:" + hash(lrs.endpoint + "\n" + JSON.stringify(lrs.actor) + "\n" + this.state.reg);
    this.sessionKey = lrs.sessionKey || (this.pageSession ? "tk-session:" + C.id : "");
    var tab = this.tab();
    if (tab.ended) { this.finished = true; this.broken = "session_ended"; }
    else if (!tab.init) { this.emit("initialized", this.courseObject(), null, true); this.tab({ init: 1 }); }
    this.sender.flush();
  };
  /* this tab's session (sessionStorage): initialized sent, terminated sent */
  Tracker.prototype.tab = function (change) {
    if (!this.sessionKey) return {};
    var t = session.get(this.sessionKey) || {};
    if (typeof t !== "object") t = { init: 1 };
    if (change) { for (var k in change) t[k] = change[k]; session.set(this.sessionKey, t); }
    return t;
  };
  /* true the first time *name* happens in this registration, in any tab of this browser */
  Tracker.prototype.once = function (name) {
    if (!this.onceKey) return true;
    var done = local.get(this.onceKey) || {};
    if (done[name]) return false;
    done[name] = 1; local.set(this.onceKey, done);
    return true;
  };
  Tracker.prototype.courseObject = function () {
    return { objectType: "Activity", id: (this.lrs && this.lrs.activityId) || C.id,
             definition: { name: map(C.title), type: "http://adlnet.gov/expapi/activities/course" } };
  };
  Tracker.prototype.emit = function (verb, object, result, cmi5Defined, extraCat) {
    if (!this.sender || !this.live()) return;
    var lrs = this.lrs, ctx = clone(lrs.contextTemplate || {});
    ctx.registration = this.state.reg;
    ctx.contextActivities = ctx.contextActivities || {};
    /* added to the LMS's context template, never overwriting it (cmi5 10.2.1.0-7) */
    if (object.id !== this.courseObject().id)
      ctx.contextActivities.parent = (ctx.contextActivities.parent || []).concat([{ objectType: "Activity", id: this.courseObject().id }]);
    var cats = (ctx.contextActivities.category || []).slice();
    if (lrs.cmi5 && cmi5Defined) cats.push({ id: CMI5_CAT });
    if (lrs.cmi5 && extraCat) cats.push({ id: extraCat });
    if (cats.length) ctx.contextActivities.category = cats; else delete ctx.contextActivities.category;
    var ext = ctx.extensions || {};
    if (this.state.p) ext[PATH_EXT] = this.state.p;
    if (lrs.cmi5 && (verb === "passed" || verb === "failed") && typeof lrs.masteryScore === "number") ext[MASTERY] = lrs.masteryScore;
    if (Object.keys(ext).length) ctx.extensions = ext;
    var stmt = { id: uuid(), timestamp: iso(), actor: lrs.actor, verb: { id: X + verb, display: { "en-US": verb } },
                 object: object, context: ctx };
    if (result) stmt.result = result;
    this.sender.add(stmt);
  };
  /* the raw summary, plus what the LMS already held (statuses only go up) */
  Tracker.prototype.summary = function () {
    var sum = summary(this.state), pr = this.prior;
    sum.done = sum.completed || !!pr.completed;
    sum.won = sum.passed || !!pr.passed;
    return sum;
  };
  Tracker.prototype.onChange = function (fn) { this.listeners.push(fn); };
  Tracker.prototype.notify = function () {
    var sum = this.summary();
    this.listeners.forEach(function (fn) { fn(sum); });
  };
  Tracker.prototype.live = function () { return !this.finished || this.pageSession; };
  Tracker.prototype.save = function (commit) {
    var sum = summary(this.state);
    try { this.adapter.save(this.state, sum); if (commit) this.adapter.commit(); }
    catch (e) { warn("LMS save failed", e); }
    return sum;
  };
  Tracker.prototype.changed = function (commit) {
    if (!this.live()) return;
    var sum = this.save(commit), secs = (now() - this.started) / 1000, again = false;
    /* Browse and Review (cmi5) never judge; c and k are kept in the resume state and the
       once-ledger in this browser, so completed/passed/failed go once per registration */
    var judge = !this.lrs || !this.lrs.mode || this.lrs.mode === "Normal";
    if (judge && sum.completed && !this.state.c && !this.prior.completed) {
      this.state.c = 1; again = true; this.stamp("completed", sum);
      if (this.once("completed")) this.emit("completed", this.courseObject(), { completion: true, duration: isoDuration(secs) }, true, MOVEON_CAT);
    }
    if (judge && (sum.passed || sum.failed) && !this.state.k && !this.prior.passed) {
      this.state.k = 1; again = true; this.stamp(sum.passed ? "passed" : "failed", sum);
      if (this.once("judged")) this.emit(sum.passed ? "passed" : "failed", this.courseObject(),
        { success: sum.passed, score: { scaled: sum.scaled }, duration: isoDuration(secs) }, true, MOVEON_CAT);
    }
    if (again) this.save(true);
    this.notify();
  };
  /* when, for the learner's receipt (kept in this browser only) */
  Tracker.prototype.receiptKey = function () { return "tk-receipt:" + this.adapter.key; };
  Tracker.prototype.stamp = function (what, sum) {
    if (!this.adapter.key) return;
    var r = local.get(this.receiptKey()) || {};
    if (!r[what]) r[what] = iso();
    r.scaled = sum.scaled;
    local.set(this.receiptKey(), r);
  };
  Tracker.prototype.receipt = function () { return this.adapter.key ? local.get(this.receiptKey()) || {} : {}; };
  Tracker.prototype.view = function (lessonId) {
    if (!this.live()) return;
    var l = lessonById(lessonId);
    this.state.l = lessonId;
    var first = this.state.s.indexOf(lessonId) < 0;
    if (first) this.state.s.push(lessonId);
    if (l && first && this.once("experienced " + lessonId)) this.emit("experienced", { objectType: "Activity", id: lessonIRI(lessonId),
      definition: { name: map(l.title), type: "http://adlnet.gov/expapi/activities/lesson" } });
    this.changed(true);
  };
  Tracker.prototype.answer = function (qid, choiceIds) {
    var q = C.questions[qid];
    var correct = q.correct.slice().sort().join(",") === choiceIds.slice().sort().join(",");
    if (!this.live()) return correct;
    this.state.a[qid] = choiceIds.join(",");
    if (!(qid in this.state.f)) this.state.f[qid] = correct ? 1 : 0;
    try { this.adapter.interaction(qid, choiceIds, correct); } catch (e) { /* LMS rejected: logged by the LMS */ }
    this.emit("answered", { objectType: "Activity", id: questionIRI(qid), definition: {
        name: map(q.prompt), type: "http://adlnet.gov/expapi/activities/cmi.interaction", interactionType: "choice",
        correctResponsesPattern: [q.correct.join("[,]")],
        choices: q.choices.map(function (c) { return { id: c.id, description: map(c.text) }; }) } },
      { response: choiceIds.join("[,]"), success: correct });
    this.changed(true);
    return correct;
  };
  Tracker.prototype.setPath = function (pid) { if (this.live()) { this.state.p = pid; this.changed(true); } };
  Tracker.prototype.exercise = function (id, values, commit) { if (this.live()) { this.state.x[id] = values; this.changed(commit); } };
  /* One session per launch, finished once: terminated is its last statement. */
  Tracker.prototype.finish = function () {
    if (this.finished) return;
    var secs = (now() - this.started) / 1000, sum = summary(this.state);
    if (this.sender) this.sender.closing = true; /* from here on the page-hide flush sends */
    if (!this.pageSession) { this.emit("terminated", this.courseObject(), { duration: isoDuration(secs) }, true); this.tab({ ended: 1 }); }
    this.finished = true;
    try { this.adapter.save(this.state, sum); this.adapter.finish(sum, secs); }
    catch (e) { warn("LMS finish failed", e); }
    if (this.sender) this.sender.flushAll();
  };
  /* a page of its own, restored from the back/forward cache: the visit goes on */
  Tracker.prototype.resume = function () {
    if (!this.pageSession) return;
    this.finished = false;
    if (this.sender) { this.sender.closing = false; this.sender.flush(); }
  };
