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
    }
    var r = tracker.receipt(), day = function (t) { return t ? new win.Date(t).toLocaleDateString(C.language || "da") : ""; };
    var rows = [S.receipt_code.replace("{code}", tracker.code)];
    rows.push(r.completed ? S.receipt_completed.replace("{date}", day(r.completed)) : S.receipt_open.replace("{done}", sum.seen).replace("{total}", sum.total));
    if (r.passed) rows.push(S.receipt_passed.replace("{date}", day(r.passed)).replace("{score}", Math.round(r.scaled * 100)));
    else if (r.failed) rows.push(S.receipt_failed.replace("{date}", day(r.failed)).replace("{score}", Math.round(r.scaled * 100)));
    var html = "<h2 id=\"tk-receipt-title\">" + S.receipt + "</h2><ul>" + rows.map(function (t) {
      return "<li>" + t.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</li>"; }).join("") + "</ul>" +
      "<p><button type=\"button\" class=\"tk-button\" data-tk-receipt-print>" + S.print + "</button></p>";
    if (box.innerHTML !== html) {
      box.innerHTML = html;
      box.querySelector("[data-tk-receipt-print]").addEventListener("click", function () { win.print(); });
    }
  }
