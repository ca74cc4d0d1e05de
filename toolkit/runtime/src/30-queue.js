  /* ---------- xAPI: one durable, ordered queue per LRS endpoint and credential ----------
     A statement gets its id once, in the browser, and is PUT with that id until the LRS
     answers: a retry never makes a duplicate.  A request that hangs is given up after
     `timeout` ms and retried with backoff; a permanent refusal is set aside with the answer
     (console, TK.rejected(), `toolkit preview`) and never blocks the statements after it. */
  var PERMANENT = [400, 401, 403, 404, 409, 413];
  var senders = {};
  function senderFor(lrs) {
    var id = hash(lrs.endpoint + "\n" + lrs.auth);
    return senders[id] || (senders[id] = new Sender(lrs, id));
  }
  function Sender(lrs, id) {
    this.lrs = lrs; this.key = "tk-q:" + id; this.asideKey = "tk-aside:" + id;
    this.busy = false; this.delay = 1000; this.timer = null; this.timeout = 15000; this.flying = {};
    var self = this;
    if (win.addEventListener) win.addEventListener("online", function () { self.delay = 1000; self.flush(); });
  }
  Sender.prototype.items = function () { return local.get(this.key) || []; };
  Sender.prototype.add = function (stmt) {
    var q = this.items(); q.push(stmt); local.set(this.key, q);
    this.flush();
  };
  Sender.prototype.drop = function (id) {
    local.set(this.key, this.items().filter(function (s) { return s.id !== id; }));
  };
  Sender.prototype.setAside = function (stmt, status, answer) {
    var list = local.get(this.asideKey) || [];
    list.push({ status: status, answer: String(answer).slice(0, 500), statement: stmt });
    local.set(this.asideKey, list.slice(-50));
    this.drop(stmt.id);
    warn("the LRS refused statement " + stmt.id + " (" + status + "): " + answer + " - it is set aside (TK.rejected())");
  };
  Sender.prototype.request = function (stmt, keepalive) {
    var self = this, url = self.lrs.endpoint.replace(/\/?$/, "/") + "statements?statementId=" + encodeURIComponent(stmt.id);
    var init = { method: "PUT", body: JSON.stringify(stmt), keepalive: !!keepalive,
                 headers: { "Authorization": self.lrs.auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" } };
    var ctl = win.AbortController ? new win.AbortController() : null;
    if (ctl) init.signal = ctl.signal;
    self.flying[stmt.id] = 1; /* never the same statement twice at once */
    return new Promise(function (resolve, reject) {
      var t = win.setTimeout(function () { if (ctl) ctl.abort(); reject(new Error("timeout")); }, self.timeout);
      win.fetch(url, init).then(function (r) { win.clearTimeout(t); resolve(r); }, function (e) { win.clearTimeout(t); reject(e); });
    }).then(function (r) { delete self.flying[stmt.id]; return r; }, function (e) { delete self.flying[stmt.id]; throw e; });
  };
  /* what to do with an answer: "sent", "aside" or "retry" */
  Sender.prototype.answer = function (stmt, r) {
    var self = this;
    if (r.ok) { self.drop(stmt.id); return Promise.resolve("sent"); }
    if (PERMANENT.indexOf(r.status) < 0) return Promise.resolve("retry");
    return r.text().then(null, function () { return ""; }).then(function (text) {
      if (self.items().some(function (s) { return s.id === stmt.id; })) self.setAside(stmt, r.status, text);
      return "aside";
    });
  };
  Sender.prototype.flush = function () {
    var self = this;
    if (self.busy || self.closing) return;
    var stmt = self.items()[0];
    if (!stmt || self.flying[stmt.id]) return;
    self.busy = true;
    self.request(stmt).then(function (r) { return self.answer(stmt, r); }).then(function (what) {
      self.busy = false;
      if (what === "retry") self.retry(); else { self.delay = 1000; self.flush(); }
    }, function () { self.busy = false; self.retry(); });
  };
  Sender.prototype.retry = function () {
    var self = this;
    win.clearTimeout(self.timer);
    self.timer = win.setTimeout(function () { self.timer = null; self.flush(); }, self.delay);
    self.delay = Math.min(self.delay * 2, 60000);
  };
  /* At page hide: every waiting statement at once, as keepalive PUTs with the real headers
     (the body quota of keepalive is 64 KB, so at most ~60 KB).  The queue is kept until
     the answers come; the next visit re-sends the rest, which the LRS answers 204 for. */
  Sender.prototype.flushAll = function () {
    var self = this, budget = 60000;
    self.items().forEach(function (stmt) {
      budget -= JSON.stringify(stmt).length;
      if (budget < 0 || self.flying[stmt.id]) return;
      self.request(stmt, true).then(function (r) { return self.answer(stmt, r); })
        .then(function () { self.flush(); }, function () { /* the next visit sends it */ });
    });
  };
  function rejected() {
    var out = [];
    try {
      for (var i = 0; local.s && i < local.s.length; i++) {
        var k = local.s.key(i);
        if (k && k.indexOf("tk-aside:") === 0) out = out.concat(local.get(k) || []);
      }
    } catch (e) { /* storage refused */ }
    for (var m in local.mem) if (m.indexOf("tk-aside:") === 0) out = out.concat(local.mem[m]);
    return out;
  }
