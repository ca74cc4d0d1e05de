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
    /* choices are known by their stable id; one no longer in the course is not ticked */
    var known = q.choices.map(function (c) { return c.id; });
    var saved = (tracker.state.a[qid] || "").split(",").filter(function (id) { return known.indexOf(id) >= 0; });
    if (saved.length) {
      form.querySelectorAll("input").forEach(function (i) { i.checked = saved.indexOf(i.value) >= 0; });
      render(saved, q.correct.slice().sort().join(",") === saved.slice().sort().join(","), false);
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
    var id = form.getAttribute("data-exercise");
    var values = tracker.state.x[id] || {};
    var fields = form.querySelectorAll("input, textarea");
    fields.forEach(function (f) { if (values[f.name]) f.value = values[f.name]; });
    var timer = null, note = null;
    function collect(commit) {
      var v = {}; fields.forEach(function (f) { if (f.value) v[f.name] = f.value; });
      tracker.exercise(id, v, commit);
      /* SCORM 1.2 holds 4,096 characters: say so when the text no longer fits */
      if (tracker.adapter.dropped && !note) {
        note = doc.createElement("p"); note.className = "tk-problem"; note.setAttribute("role", "status");
        note.textContent = S.text_not_saved; form.appendChild(note);
      }
      if (note) note.hidden = !tracker.adapter.dropped;
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { collect(false); }, 800); });
    form.addEventListener("change", function () { collect(true); });
    var actions = form.querySelector("[data-tk-exercise-actions]");
    if (actions) actions.hidden = false;
    var printBtn = form.querySelector("[data-tk-print]"), saveBtn = form.querySelector("[data-tk-save]");
    if (printBtn) printBtn.addEventListener("click", function () { printExercise(form.closest(".tk-exercise"), fields); });
    if (saveBtn) saveBtn.addEventListener("click", function () {
      var section = form.closest(".tk-exercise"), title = section.querySelector("h2").textContent.trim();
      var text = title + "\n" + "=".repeat(title.length) + "\n\n";
      fields.forEach(function (f) {
        var label = form.querySelector("label[for='" + f.id + "']");
        text += (label ? label.textContent.trim() : f.name) + "\n" + (f.value || "-") + "\n\n";
      });
      download(text, id + ".txt");
    });
  }
  /* a text file the learner keeps (exercise answers, the receipt) */
  function download(text, name) {
    var a = doc.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    a.download = name; doc.body.appendChild(a); a.click(); a.remove();
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
      screenedPath(tracker, box);
      box.querySelectorAll("input").forEach(function (i) {
        i.checked = i.value === tracker.state.p;
        i.addEventListener("change", function () {
          tracker.setPath(i.value); apply();
          var ask = box.querySelector(".tk-ask"); if (ask) ask.remove();
        });
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
