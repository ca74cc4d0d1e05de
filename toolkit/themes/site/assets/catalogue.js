/* The catalogue's screening and "my list": everything stays in this browser. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tk-catalogue-data").textContent);
  var KEY = "tk-my-list";
  function mine() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(list) { try { localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode */ } }
  function card(slug) { return document.querySelector(".tk-card[data-course='" + slug + "']"); }
  function title(slug) { return card(slug).querySelector("h3 a"); }

  /* what a course's pages wrote in this browser: {seen, total, done} */
  function progress(slug) { try { return JSON.parse(localStorage.getItem("tk-progress:" + slug) || "null"); } catch (e) { return null; } }
  function progressText(slug) {
    var p = progress(slug);
    if (!p || !p.seen) return "";
    return p.done ? "✓ Gennemført" : p.seen + " af " + p.total + " lektioner set";
  }
  function markProgress() {
    document.querySelectorAll(".tk-card[data-course]").forEach(function (c) {
      var slug = c.getAttribute("data-course"), el = c.querySelector(".tk-card-progress"), text = progressText(slug);
      if (!el) { el = document.createElement("p"); el.className = "tk-card-progress"; c.querySelector("h3").after(el); }
      el.textContent = text; el.hidden = !text;
    });
  }
  function renderList() {
    var list = mine(), ul = document.getElementById("tk-mylist");
    ul.innerHTML = "";
    list.forEach(function (slug) {
      if (!card(slug)) return;
      var li = document.createElement("li"), a = title(slug).cloneNode(true);
      li.appendChild(a);
      var text = progressText(slug);
      if (text) { var span = document.createElement("span"); span.className = "tk-ticks"; span.textContent = text; li.appendChild(span); }
      ul.appendChild(li);
    });
    document.getElementById("tk-mylist-empty").hidden = list.length > 0;
    document.querySelectorAll("[data-add]").forEach(function (b) {
      var on = list.indexOf(b.getAttribute("data-add")) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "Fjern fra min liste" : "Tilføj til min liste";
    });
  }
  function toggle(slug) {
    var list = mine(), i = list.indexOf(slug);
    if (i >= 0) list.splice(i, 1); else list.push(slug);
    save(list); renderList();
  }
  document.querySelectorAll("[data-add]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { toggle(b.getAttribute("data-add")); });
  });
  var form = document.getElementById("tk-screening"), out = document.getElementById("tk-recommended");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var picked = [], answers = {};
    data.questions.forEach(function (q) {
      var checked = form.querySelector("input[name='" + q.id + "']:checked");
      if (checked) answers[q.id] = checked.value;
      if (checked) (q.answers[checked.value] || []).forEach(function (s) { if (picked.indexOf(s) < 0) picked.push(s); });
    });
    /* kept in this browser only: a course whose path has an answer's id starts on that path */
    try { localStorage.setItem("tk-screening", JSON.stringify(answers)); } catch (e) { /* private mode */ }
    picked.sort(function (a, b) { return data.courses.indexOf(a) - data.courses.indexOf(b); });
    var html = "<h3 tabindex=\"-1\" id=\"tk-rec-h\">Forslag til dig</h3>";
    if (!picked.length) html += "<p>Svar på spørgsmålene, så får du forslag. Du kan også vælge frit herunder.</p>";
    else {
      html += "<ul class=\"tk-lesson-list\">";
      picked.forEach(function (slug) {
        html += "<li><a href=\"" + title(slug).getAttribute("href") + "\">" + title(slug).textContent +
          "</a> <button type=\"button\" class=\"tk-button tk-small\" data-rec=\"" + slug + "\">Tilføj til min liste</button></li>";
      });
      html += "</ul>";
    }
    out.innerHTML = html;
    out.querySelectorAll("[data-rec]").forEach(function (b) {
      b.addEventListener("click", function () {
        var list = mine(), slug = b.getAttribute("data-rec");
        if (list.indexOf(slug) < 0) { list.push(slug); save(list); renderList(); }
        b.disabled = true; b.textContent = "Tilføjet";
      });
    });
    document.getElementById("tk-rec-h").focus();
  });
  renderList();
  markProgress();
  /* back from a course (the back/forward cache keeps the old page) */
  window.addEventListener("pageshow", function () { renderList(); markProgress(); });
})();
