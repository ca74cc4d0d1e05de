  function boot() {
    /* folded lists (the sources) open by themselves where the screen has room */
    if (win.matchMedia && win.matchMedia("(min-width: 48em)").matches)
      doc.querySelectorAll("details[data-tk-open-wide]").forEach(function (d) { d.open = true; });
    var frame = doc.getElementById("tk-frame");
    if (frame) { shell(frame); return; }
    var h = host();
    if (h) { page(h.tracker, false); return; }
    /* a page opened on its own inside an LMS frame: one session per launch, so the shell
       takes over and holds it (else every page would initialize its own) */
    if (findAPI("API_1484_11") || findAPI("API")) {
      var article = doc.querySelector("article.tk-lesson");
      win.location.replace("launch.html" + (article ? "?lesson=" + encodeURIComponent(article.getAttribute("data-lesson")) : ""));
      return;
    }
    /* no LMS: progress lives in this browser (statements may still go to an embedded LRS) */
    launch(function (tracker) { page(tracker, tracker.adapter.name === "web"); });
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", boot); else boot();
