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
  /* Two tabs (or a tab and the resume data) hold parts of one attempt: seen lessons add up,
     a first try stays the first, this tab's answers and text win where both have one. */
  function merge(mine, other) {
    if (!other) return mine;
    other.s.forEach(function (id) { if (mine.s.indexOf(id) < 0) mine.s.push(id); });
    for (var q in other.f) if (!(q in mine.f)) { mine.f[q] = other.f[q]; mine.a[q] = other.a[q]; }
    for (var x in other.x) if (!(x in mine.x)) mine.x[x] = other.x[x];
    mine.p = mine.p || other.p; mine.l = mine.l || other.l;
    mine.c = mine.c || other.c; mine.k = mine.k || other.k;
    return mine;
  }
  /* suspend data (v2): the state with each question's first-try flag packed in front of its
     answer ("1a,b" = first try right, now a and b), so a question id is stored once; exercise
     text is dropped when the whole does not fit (then encode.dropped is true).  v1 (separate
     "f") is still read. */
  function encode(state, limit) {
    var packed = clone(state), a = {};
    for (var q in state.a) a[q] = (state.f[q] ? "1" : "0") + state.a[q];
    packed.v = 2; packed.a = a; delete packed.f;
    var full = JSON.stringify(packed);
    encode.dropped = false;
    if (!limit || full.length <= limit) return full;
    encode.dropped = JSON.stringify(packed.x) !== "{}";
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
