/* The catalogue's screening and "Min liste".  No requests; the list lives in
   localStorage only (and the page still works when storage is blocked). */
(function () {
  "use strict";
  var KEY = "tk-catalogue-list";
  var data = JSON.parse(document.getElementById("tk-catalogue-data").textContent);
  var titles = {};
  data.courses.forEach(function (c) { titles[c.slug] = c.title; });

  function load() {
    try { var v = JSON.parse(localStorage.getItem(KEY) || "[]"); return Array.isArray(v) ? v.filter(function (s) { return titles[s]; }) : []; }
    catch (e) { return []; }
  }
  var mine = load();
  function save() { try { localStorage.setItem(KEY, JSON.stringify(mine)); } catch (e) { /* storage blocked: keep in memory */ } }

  function link(slug) {
    var a = document.createElement("a");
    a.href = "../" + slug + "/site/index.html";
    a.textContent = titles[slug];
    return a;
  }

  function say(text) { document.getElementById("tk-status").textContent = text; }

  function renderMine() {
    var ul = document.getElementById("tk-mine");
    ul.textContent = "";
    mine.forEach(function (slug) {
      var li = document.createElement("li");
      li.appendChild(link(slug));
      li.appendChild(document.createTextNode(" "));
      var b = document.createElement("button");
      b.type = "button";
      b.className = "tk-button";
      b.textContent = "Fjern";
      b.setAttribute("aria-label", "Fjern " + titles[slug] + " fra min liste");
      b.addEventListener("click", function () { toggle(slug); document.getElementById("mine-h").focus(); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    document.getElementById("tk-mine-empty").hidden = mine.length > 0;
    document.querySelectorAll(".tk-cat-add").forEach(function (b) {
      var on = mine.indexOf(b.dataset.slug) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "På min liste ✓" : "Tilføj til min liste";
    });
  }

  function toggle(slug) {
    var i = mine.indexOf(slug);
    if (i >= 0) { mine.splice(i, 1); say(titles[slug] + " er fjernet fra din liste."); }
    else { mine.push(slug); say(titles[slug] + " er tilføjet til din liste."); }
    save();
    renderMine();
  }

  function recommend(form) {
    var picked = [];
    data.questions.forEach(function (q) {
      var checked = form.querySelector('input[name="' + q.id + '"]:checked');
      if (!checked) return;
      q.options.forEach(function (o) {
        if (o.id === checked.value) o.recommends.forEach(function (s) { if (picked.indexOf(s) < 0) picked.push(s); });
      });
    });
    // keep the catalogue's order
    return data.courses.map(function (c) { return c.slug; }).filter(function (s) { return picked.indexOf(s) >= 0; });
  }

  document.getElementById("tk-screen").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var slugs = recommend(ev.target);
    var ul = document.getElementById("tk-result-list");
    var h = document.getElementById("tk-result-h");
    ul.textContent = "";
    if (!slugs.length) {
      var none = document.createElement("li");
      none.textContent = "Svar på spørgsmålene, så kan vi foreslå kurser. Du kan også vælge selv på listen herunder.";
      ul.appendChild(none);
    }
    slugs.forEach(function (slug) {
      var li = document.createElement("li");
      li.appendChild(link(slug));
      li.appendChild(document.createTextNode(" "));
      var b = document.createElement("button");
      b.type = "button";
      b.className = "tk-button";
      b.textContent = "Tilføj til min liste";
      b.setAttribute("aria-label", "Tilføj " + titles[slug] + " til min liste");
      b.addEventListener("click", function () { if (mine.indexOf(slug) < 0) toggle(slug); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    document.querySelectorAll(".tk-cat-course").forEach(function (el) {
      el.querySelector(".tk-cat-rec").hidden = slugs.indexOf(el.dataset.slug) < 0;
    });
    h.hidden = false;
    h.focus();
  });

  document.querySelectorAll(".tk-cat-add").forEach(function (b) {
    b.addEventListener("click", function () { toggle(b.dataset.slug); });
  });
  document.getElementById("mine-h").setAttribute("tabindex", "-1");
  renderMine();
})();
