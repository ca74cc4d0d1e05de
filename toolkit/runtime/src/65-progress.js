  /* ---------- progress on the page: the counter, the bar, the ticks, the start button ----------
     Everything follows the chosen path: a lesson of the other path is neither counted nor listed. */
  function fill(text, values) {
    text = text === undefined ? "" : String(text);
    for (var k in values) text = text.split("{" + k + "}").join(String(values[k]));
    return text;
  }
  function esc(t) { return String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;"); }
  function answeredIn(state, lesson) {
    return lesson.questions.filter(function (q) { return q in state.f; }).length;
  }
  /* "3 af 6 lektioner set · 2 af 10 spørgsmål besvaret" and a bar (the text says it all) */
  function bar(sum) {
    var text = fill(S.completed_lessons, { done: sum.seen, total: sum.total });
    if (sum.questions) text += " · " + fill(S.answered_of, { done: sum.answered, total: sum.questions });
    return "<p class=\"tk-progress-text\">" + esc(text) + "</p><progress class=\"tk-bar\" max=\"" + (sum.total || 1) +
      "\" value=\"" + sum.seen + "\" aria-hidden=\"true\"></progress>";
  }
  /* the status box's first line: done, what is left, or nothing yet */
  function verdict(tracker, sum) {
    var left = sum.questions - sum.answered;
    if (sum.done && (!left || sum.won || tracker.prior.completed)) return "<p class=\"tk-complete\">" + esc(S.complete) + "</p>";
    if (sum.total && sum.seen === sum.total && left) return "<p class=\"tk-left\">" + esc(fill(S.left_to_pass, { n: left })) + "</p>";
    return "";
  }
  function progressView(tracker, sum, lessonId) {
    var st = tracker.state, list = applicable(st);
    var counter = doc.querySelector("[data-tk-counter]"), ids = list.map(function (l) { return l.id; });
    if (counter && ids.indexOf(lessonId) >= 0) counter.textContent = fill(S.lesson_of, { n: ids.indexOf(lessonId) + 1, total: ids.length });
    doc.querySelectorAll("[data-tk-progress]").forEach(function (el) { var h = bar(sum); if (el.innerHTML !== h) el.innerHTML = h; });
    doc.querySelectorAll(".tk-lesson-list li[data-lesson]").forEach(function (li) {
      var l = lessonById(li.getAttribute("data-lesson")), seen = st.s.indexOf(l.id) >= 0, n = answeredIn(st, l);
      li.classList.toggle("tk-done", seen);
      var ticks = li.querySelector(".tk-ticks"), parts = [];
      if (seen) parts.push("✓ " + S.seen);
      if (l.questions.length && (seen || n)) parts.push((n === l.questions.length ? "✓ " : "") + fill(S.answered_of, { done: n, total: l.questions.length }));
      if (!ticks) { ticks = doc.createElement("span"); ticks.className = "tk-ticks"; li.appendChild(ticks); }
      ticks.textContent = parts.join(" · ");
    });
    startButton(st, sum, list);
    if (tracker.adapter.name === "web")
      local.set("tk-progress:" + C.slug, { seen: sum.seen, total: sum.total, done: verdict(tracker, sum).indexOf("tk-complete") > 0 ? 1 : 0 });
  }
  /* "Start kurset", "Fortsæt" (to the next unseen lesson, or the next unanswered question) or "Se igen" */
  function startButton(st, sum, list) {
    var link = doc.querySelector("[data-tk-start]");
    if (!link || !list.length) return;
    var unseen = list.filter(function (l) { return st.s.indexOf(l.id) < 0; })[0];
    var open = list.filter(function (l) { return answeredIn(st, l) < l.questions.length; })[0];
    var to = !sum.seen ? [S.start_course, list[0].file] : unseen ? [S.continue_course, unseen.file]
      : open ? [S.continue_course, open.file + "#" + open.questions.filter(function (q) { return !(q in st.f); })[0]]
      : [S.see_again, list[0].file];
    link.textContent = to[0]; link.setAttribute("href", to[1]);
  }
  /* the course has paths and none is chosen: "Start kurset" asks for it first */
  function guardStart(tracker) {
    var link = doc.querySelector("[data-tk-start]"), box = doc.querySelector("[data-tk-paths]");
    if (!link || !box) return;
    link.addEventListener("click", function (ev) {
      if (tracker.state.p) return;
      ev.preventDefault();
      var note = box.querySelector(".tk-ask");
      if (!note) {
        note = doc.createElement("p"); note.className = "tk-problem tk-ask"; note.id = "tk-ask"; note.setAttribute("role", "alert");
        note.textContent = S.choose_path_first; box.insertBefore(note, box.querySelector(".tk-choice"));
      }
      box.querySelector("input").focus();
    });
  }
  /* the catalogue's screening (kept in this browser) names a path: it is chosen for the learner */
  function screenedPath(tracker, box) {
    if (tracker.state.p) return;
    var answers = local.get("tk-screening") || {}, picked = null;
    C.paths.forEach(function (o) { for (var q in answers) if (answers[q] === o.id && !picked) picked = o.id; });
    if (!picked) return;
    tracker.setPath(picked);
    var hint = doc.createElement("p"); hint.className = "tk-hint tk-screened"; hint.textContent = S.path_from_screening;
    box.appendChild(hint);
  }
  /* a course built with the catalogue links back to it and to "Min liste" */
  function backLinks(tracker) {
    var inner = doc.querySelector(".tk-header-inner");
    if (!C.catalogue || !inner || tracker.adapter.name !== "web") return;
    var p = doc.createElement("p"); p.className = "tk-back";
    p.innerHTML = "<a href=\"" + esc(C.catalogue) + "\">" + esc(S.back_to_catalogue) + "</a> <a href=\"" + esc(C.catalogue) +
      "#tk-mylist-h\">" + esc(S.my_list) + "</a>";
    inner.appendChild(p);
  }
