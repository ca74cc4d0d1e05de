  /* ---------- launch: which adapter and which LRS ---------- */
  function params() {
    var out = {};
    (win.location.search || "").slice(1).split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("="), k = kv.slice(0, i < 0 ? kv.length : i), v = i < 0 ? "" : kv.slice(i + 1);
      try { out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (e) { /* not ours */ }
    });
    return out;
  }
  function localActor() {
    var id = local.get("tk-learner");
    if (!id) { id = uuid(); local.set("tk-learner", id); }
    return id;
  }
  function utf8(text) {  // btoa takes Latin-1; the LRS decodes the key as UTF-8 ("web-nøgle")
    return encodeURIComponent(text).replace(/%([0-9A-F]{2})/g, function (_, h) { return String.fromCharCode(parseInt(h, 16)); });
  }
  function embeddedLrs(learnerId) {
    var l = C.lrs || {};
    if (!l.endpoint || !l.key) return null;
    return { endpoint: l.endpoint, auth: "Basic " + win.btoa(utf8(l.key)),
             actor: { objectType: "Agent", account: { homePage: l.homepage || win.location.origin, name: String(learnerId) } } };
  }
  function getJSON(lrs, path, optional) {
    return win.fetch(lrs.endpoint.replace(/\/?$/, "/") + path, { headers: { "Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3" } })
      .then(function (r) {
        if (r.ok) return r.json();
        if (optional) return null; /* no preferences (404), or this credential may not read them */
        throw new Error(path.split("?")[0] + " answered " + r.status);
      });
  }
  /* cmi5: the fetch URL answers once per launch, so its token is kept for this registration
     in this tab (sessionStorage) with the session's progress, and a reload goes on with
     the same session: no second initialized, nothing after terminated.  Without a token
     the launch fails visibly: nothing is sent, nothing is claimed. */
  function cmi5Launch(p, done) {
    var reg = p.registration || "", key = "tk-cmi5:" + hash(p.fetch.split("?")[0] + "\n" + reg);
    var token = (session.get(key) || {}).token;
    var got = token ? Promise.resolve(token) : win.fetch(p.fetch, { method: "POST" }).then(function (r) { return r.json(); }).then(function (j) {
      var t = j && j["auth-token"];
      if (typeof t !== "string" || !t) throw new Error("the fetch URL answered " + JSON.stringify(j));
      session.set(key, { token: t });
      return t;
    });
    got.then(function (t) {
      var lrs = { endpoint: p.endpoint, auth: "Basic " + t, actor: JSON.parse(p.actor), registration: reg,
                  activityId: p.activityId, cmi5: true, sessionKey: key };
      var agent = "&agent=" + encodeURIComponent(p.actor);
      return Promise.all([
        getJSON(lrs, "activities/state?stateId=LMS.LaunchData&activityId=" + encodeURIComponent(p.activityId) + agent +
                "&registration=" + encodeURIComponent(reg)),
        getJSON(lrs, "agents/profile?profileId=cmi5LearnerPreferences" + agent, true)
      ]).then(function (docs) {
        var ld = docs[0] || {}, pref = docs[1] || {};
        lrs.contextTemplate = ld.contextTemplate || {};
        if (typeof ld.masteryScore === "number") { C.passMark = ld.masteryScore; lrs.masteryScore = ld.masteryScore; }
        lrs.mode = ld.launchMode || "Normal";
        lrs.returnURL = ld.returnURL;
        String(pref.languagePreference || "").split(",").some(function (tag) {
          tag = tag.trim();
          return tag.split("-")[0].toLowerCase() === (C.language || "da") && !!(C.lang = tag);
        });
        done(new Tracker(new Local("cmi5", p.actor, reg), lrs));
      });
    })["catch"](function (e) {
      warn("cmi5 launch failed, nothing will be sent:", e && e.message || e);
      var t = new Tracker(new Local("cmi5", p.actor, reg), null);
      t.broken = "launch_failed";
      done(t);
    });
  }
  function launch(done, inShell) {
    var p = params();
    if (p.fetch && p.endpoint && p.actor) { cmi5Launch(p, done); return; }
    if (p.endpoint && p.auth && p.actor) { // xAPI (Tin Can) launch
      var actor = JSON.parse(p.actor);
      if (Array.isArray(actor.name)) actor.name = actor.name[0];
      if (Array.isArray(actor.account)) actor.account = actor.account[0];
      if (actor.account && actor.account.accountName) actor.account = { homePage: actor.account.accountServiceHomePage, name: actor.account.accountName };
      done(new Tracker(new Local("xapi", JSON.stringify(actor), p.registration), {
        endpoint: p.endpoint, auth: p.auth, actor: actor, registration: p.registration, activityId: p.activity_id }));
      return;
    }
    var api2004 = C.format !== "scorm12" && findAPI("API_1484_11");
    var api12 = !api2004 && findAPI("API");
    if (api2004 || api12) {
      done(new Tracker(api2004 ? new Scorm2004(api2004) : new Scorm12(api12), function (a) { return embeddedLrs(a.learner); }));
      return;
    }
    /* a web package: the learner's personal code from the link, kept for this course */
    var codeKey = "tk-code:" + C.id, code = local.get(codeKey), bad = !code && !!session.get("tk-bad:" + C.id);
    if (embeddedLrs("x") && p.learner !== undefined) {
      code = parseCode(p.learner);
      if (code) local.set(codeKey, code);
      bad = !code;
      session.set("tk-bad:" + C.id, bad ? 1 : undefined); /* the rest of this visit says so too */
    }
    var who = code ? "code:" + code : "local:" + localActor();
    var t = new Tracker(new Local("web", who, ""), bad ? null : embeddedLrs(code || localActor()), !inShell);
    t.code = bad ? null : code;
    if (bad) t.broken = "code_bad";
    done(t);
  }
