  /* ---------- printing one exercise (the kompetencemappe) ----------
     The print holds the exercise alone: the course title, the date, each question with the
     learner's whole answer as text (a text box prints only its visible rows). */
  function printExercise(section, fields) {
    var old = doc.querySelector(".tk-print-sheet");
    if (old) old.remove();
    var sheet = doc.createElement("div"), title = section.querySelector("h2").textContent.trim();
    var day = new win.Date().toLocaleDateString(C.language || "da", { day: "numeric", month: "long", year: "numeric" });
    var html = "<p class=\"tk-print-course\">" + esc(C.title) + "</p><h1>" + esc(title) + "</h1><p>" +
      esc(fill(S.printed_on, { date: day })) + "</p>";
    fields.forEach(function (f) {
      var label = section.querySelector("label[for='" + f.id + "']");
      html += "<h2>" + esc(label ? label.textContent.trim() : f.name) + "</h2><p class=\"tk-print-answer\">" + esc(f.value || "-") + "</p>";
    });
    sheet.className = "tk-print-sheet"; sheet.innerHTML = html;
    doc.body.appendChild(sheet);
    var root = doc.documentElement;
    root.classList.add("tk-printing");
    function done() { root.classList.remove("tk-printing"); sheet.remove(); win.removeEventListener("afterprint", done); }
    win.addEventListener("afterprint", done);
    win.print();
  }
