  /* ---------- LMS adapters ----------
     start() -> the resume state or null, and sets learner and prior (what the LMS already
     holds: {completed, passed, failed}); statuses only go up from there. */
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
  var RANK12 = { "not attempted": 0, "browsed": 1, "incomplete": 1, "failed": 2, "completed": 2, "passed": 3 };

  function Scorm12(api) { this.api = api; this.name = "scorm12"; this.limit = 4096; this.prior = {}; }
  Scorm12.prototype.start = function () {
    var a = this.api;
    a.LMSInitialize("");
    this.learner = a.LMSGetValue("cmi.core.student_id");
    this.status = a.LMSGetValue("cmi.core.lesson_status");
    this.prior = { completed: /^(completed|passed|failed)$/.test(this.status), passed: this.status === "passed",
                   failed: this.status === "failed" };
    if (this.status === "not attempted" || !this.status) this.put("incomplete");
    /* suspend now, so an attempt whose last save never arrives is resumed next time */
    a.LMSSetValue("cmi.core.exit", "suspend");
    var st = decode(a.LMSGetValue("cmi.suspend_data") || "");
    if (st) st.l = a.LMSGetValue("cmi.core.lesson_location") || st.l;
    return st;
  };
  Scorm12.prototype.put = function (status) {
    if ((RANK12[status] || 0) < (RANK12[this.status] || 0) || status === this.status) return;
    if (this.api.LMSSetValue("cmi.core.lesson_status", status) !== "false") this.status = status;
  };
  Scorm12.prototype.save = function (state, sum) {
    var a = this.api;
    a.LMSSetValue("cmi.suspend_data", encode(state, this.limit));
    this.dropped = encode.dropped;
    if (state.l) a.LMSSetValue("cmi.core.lesson_location", state.l.slice(0, 255));
    /* a score only once it decides the attempt: an LMS whose mastery score overrides the
       status (Moodle's default) would otherwise call a learner who left early "failed" */
    if (sum.questions && (sum.passed || sum.failed) && !this.prior.passed) {
      a.LMSSetValue("cmi.core.score.min", "0"); a.LMSSetValue("cmi.core.score.max", "100");
      a.LMSSetValue("cmi.core.score.raw", String(Math.round(sum.scaled * 100)));
    }
    this.put(sum.passed ? "passed" : sum.failed ? "failed" : sum.completed && !sum.questions ? "completed" : "incomplete");
  };
  Scorm12.prototype.interaction = function (qid, response, correct) {
    var a = this.api, n = parseInt(a.LMSGetValue("cmi.interactions._count"), 10) || 0, p = "cmi.interactions." + n + ".";
    var d = new win.Date(now());
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
    a.LMSSetValue("cmi.core.exit", sum.completed || this.prior.completed ? "" : "suspend");
    a.LMSCommit(""); a.LMSFinish("");
  };

  function Scorm2004(api) { this.api = api; this.name = "scorm2004"; this.limit = 64000; this.prior = {}; }
  Scorm2004.prototype.start = function () {
    var a = this.api;
    a.Initialize("");
    this.learner = a.GetValue("cmi.learner_id");
    this.completion = a.GetValue("cmi.completion_status");
    this.success = a.GetValue("cmi.success_status");
    this.prior = { completed: this.completion === "completed", passed: this.success === "passed", failed: this.success === "failed" };
    a.SetValue("cmi.exit", "suspend"); /* early: a lost final save still resumes */
    /* whatever cmi.entry says: an LMS that never got exit=suspend still holds the data.
       A status other than "unknown" means we saved before (reading unset data is error 403). */
    if (a.GetValue("cmi.entry") !== "resume" && (!this.completion || this.completion === "unknown")) return null;
    var st = decode(a.GetValue("cmi.suspend_data") || "");
    if (st) st.l = a.GetValue("cmi.location") || st.l;
    return st;
  };
  Scorm2004.prototype.save = function (state, sum) {
    var a = this.api, pr = this.prior;
    a.SetValue("cmi.suspend_data", encode(state, this.limit));
    this.dropped = encode.dropped;
    if (state.l) a.SetValue("cmi.location", state.l.slice(0, 1000));
    if (!pr.completed) a.SetValue("cmi.progress_measure", String(sum.total ? Math.round(sum.seen / sum.total * 100) / 100 : 0));
    a.SetValue("cmi.completion_status", sum.completed || pr.completed ? "completed" : "incomplete");
    if (sum.questions && (sum.passed || sum.failed) && !pr.passed) {
      a.SetValue("cmi.score.min", "0"); a.SetValue("cmi.score.max", "100");
      a.SetValue("cmi.score.raw", String(Math.round(sum.scaled * 100)));
      a.SetValue("cmi.score.scaled", String(sum.scaled));
    }
    var success = pr.passed || sum.passed || (sum.completed && !sum.questions) ? "passed" : pr.failed || sum.failed ? "failed" : "unknown";
    a.SetValue("cmi.success_status", success);
  };
  Scorm2004.prototype.interaction = function (qid, response, correct) {
    var a = this.api, n = parseInt(a.GetValue("cmi.interactions._count"), 10) || 0, p = "cmi.interactions." + n + ".";
    var q = C.questions[qid];
    a.SetValue(p + "id", questionIRI(qid));
    a.SetValue(p + "type", "choice");
    a.SetValue(p + "timestamp", iso().slice(0, 19));
    a.SetValue(p + "correct_responses.0.pattern", q.correct.join("[,]"));
    a.SetValue(p + "learner_response", response.join("[,]"));
    a.SetValue(p + "result", correct ? "correct" : "incorrect");
    a.SetValue(p + "description", q.prompt.slice(0, 250));
  };
  Scorm2004.prototype.commit = function () { this.api.Commit(""); };
  Scorm2004.prototype.finish = function (sum, seconds) {
    var a = this.api;
    a.SetValue("cmi.session_time", isoDuration(seconds));
    a.SetValue("cmi.exit", sum.completed || this.prior.completed ? "normal" : "suspend");
    a.Commit(""); a.Terminate("");
  };

  /* Web, xAPI and cmi5 launches keep the resume state in this browser, keyed by course,
     learner and registration: learners sharing a phone never see each other's answers,
     and a page opened on its own never stands in for a later launch. */
  function Local(name, learner, reg) {
    this.name = name; this.key = "tk:" + C.id + "|" + hash(String(learner || "")) + "|" + (reg || "");
    this.limit = 0; this.prior = {};
  }
  Local.prototype.start = function () { return local.get(this.key); };
  Local.prototype.save = function (state) { local.set(this.key, merge(clone(state), local.get(this.key))); };
  Local.prototype.interaction = function () {};
  Local.prototype.commit = function () {};
  Local.prototype.finish = function () {};
