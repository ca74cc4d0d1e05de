  /* ---------- the page layer: the shell, and each page's questions, exercises, paths ---------- */
  var doc = win.document;
  doc.documentElement.classList.add("tk-js");

  /* launch.html: holds the LMS session and shows the lessons in a frame */
  function shell(frame) {
    launch(function (tracker) {
      win.TK_HOST = { tracker: tracker };
      var want = lessonById(params().lesson || "") || lessonById(tracker.state.l || "");
      frame.src = want ? want.file : "index.html";
      var end = function () { tracker.finish(); };
      win.addEventListener("pagehide", end);
      win.addEventListener("beforeunload", end);
    }, true);
  }
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
    guardStart(tracker);
    readAloud(article);
    offline(tracker);
    backLinks(tracker);
    var status = doc.querySelector("[data-tk-status]");
    /* said once per browser, and kept for the whole of that page view */
    var notice = standalone && !!status && !tracker.code && !local.get("tk-told");
    if (notice) local.set("tk-told", 1);
    function show(sum) {
      progressView(tracker, sum, lessonId);
      receipt(tracker, sum, lessonId, status || article);
      var problem = tracker.broken || (!tracker.live() && "session_ended");
      if (!status) { alarm(problem, article); return; }
      var html = (problem ? "<p class=\"tk-problem\">" + S[problem] + "</p>" : verdict(tracker, sum)) + bar(sum);
      if (notice) html += "<p class=\"tk-notice\">" + S.standalone + "</p>";
      if (status.innerHTML !== html) status.innerHTML = html;
    }
    tracker.onChange(show);
    leave(tracker, status, standalone);
    if (lessonId) tracker.view(lessonId);
    show(tracker.summary());
    if (standalone) {
      win.addEventListener("pagehide", function () { tracker.finish(); });
      win.addEventListener("pageshow", function (e) { if (e.persisted) tracker.resume(); });
    }
    doc.documentElement.setAttribute("data-tk-ready", ""); /* questions, paths and pager are live */
  }
  /* a lesson page has no status box: a launch that cannot record says so above the lesson */
  function alarm(problem, article) {
    var box = doc.querySelector(".tk-alarm");
    if (!problem || !article) { if (box) box.hidden = true; return; }
    if (!box) {
      box = doc.createElement("p"); box.className = "tk-problem tk-alarm"; box.setAttribute("role", "alert");
      article.parentNode.insertBefore(box, article);
    }
    box.hidden = false;
    box.textContent = S[problem];
  }
  /* cmi5: the LMS gave a returnURL, so the overview offers to end the course there */
  function leave(tracker, status, standalone) {
    var back = tracker.lrs && tracker.lrs.returnURL;
    if (!back || !status || !tracker.live()) return;
    var p = doc.createElement("p"), button = doc.createElement("button");
    button.type = "button"; button.className = "tk-button"; button.textContent = S.exit_course;
    button.addEventListener("click", function () {
      tracker.finish();
      (standalone ? win : win.parent).location.href = back;
    });
    p.appendChild(button);
    status.parentNode.insertBefore(p, status.nextSibling);
  }
