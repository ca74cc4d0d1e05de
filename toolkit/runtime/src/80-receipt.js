  /* ---------- the receipt: a web learner's code, what is done and when ----------
     Shown on the overview and the last lesson of the path once the learner has a code. */
  function receipt(tracker, sum, lessonId, where) {
    if (!tracker.code || !where) return;
    var list = applicable(tracker.state), last = list[list.length - 1];
    if (lessonId && (!last || last.id !== lessonId)) return;
    var box = doc.querySelector(".tk-receipt");
    if (!box) {
      box = doc.createElement("section"); box.className = "tk-receipt"; box.setAttribute("aria-labelledby", "tk-receipt-title");
      where.parentNode.insertBefore(box, where.nextSibling);
      var css = doc.createElement("style");
      css.media = "print";
      css.textContent = ".tk-print-receipt body *{visibility:hidden}.tk-print-receipt .tk-receipt,.tk-print-receipt .tk-receipt *" +
        "{visibility:visible}.tk-print-receipt .tk-receipt{position:absolute;left:0;top:0}.tk-print-receipt button{display:none}";
      doc.head.appendChild(css);
    }
    var r = tracker.receipt(), day = function (t) { return t ? new win.Date(t).toLocaleDateString(C.language || "da") : ""; };
    var rows = [S.receipt_code.replace("{code}", tracker.code)];
    rows.push(r.completed ? S.receipt_completed.replace("{date}", day(r.completed)) : S.receipt_open.replace("{done}", sum.seen).replace("{total}", sum.total));
    if (r.passed) rows.push(S.receipt_passed.replace("{date}", day(r.passed)).replace("{score}", Math.round(r.scaled * 100)));
    else if (r.failed) rows.push(S.receipt_failed.replace("{date}", day(r.failed)).replace("{score}", Math.round(r.scaled * 100)));
    var html = "<h2 id=\"tk-receipt-title\">" + S.receipt + "</h2><ul>" + rows.map(function (t) {
      return "<li>" + t.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</li>"; }).join("") + "</ul>" +
      "<p><button type=\"button\" class=\"tk-button\" data-tk-receipt-print>" + S.print + "</button> " +
      "<button type=\"button\" class=\"tk-button\" data-tk-receipt-save>" + S.save_file + "</button></p>";
    if (box.innerHTML !== html) {
      box.innerHTML = html;
      box.querySelector("[data-tk-receipt-print]").addEventListener("click", function () {
        /* the receipt alone on the paper, to show at the meeting */
        var root = doc.documentElement;
        root.classList.add("tk-print-receipt"); win.print(); root.classList.remove("tk-print-receipt");
      });
      box.querySelector("[data-tk-receipt-save]").addEventListener("click", function () {
        download(C.title + "\n\n" + rows.join("\n") + "\n", "kvittering-" + tracker.code + ".txt");
      });
    }
  }
