  /* ---------- "Læs op": the lesson read aloud by the device's own voice ----------
     Only a voice in the course's language that runs on the device (localService: a network
     voice would send the text away); no such voice, no button.  Line by line, as long
     utterances stop half-way in some browsers. */
  function readAloud(article) {
    var synth = win.speechSynthesis, Utterance = win.SpeechSynthesisUtterance, btn = null, left = 0;
    if (!article || !synth || !Utterance) return;
    var lang = String(C.lang || C.language || "da").toLowerCase();
    function voice() {
      var mine = synth.getVoices().filter(function (v) {
        return v.localService && String(v.lang).toLowerCase().replace("_", "-").split("-")[0] === lang.split("-")[0];
      });
      return mine.filter(function (v) { return String(v.lang).toLowerCase() === lang; })[0] || mine[0] || null;
    }
    function set(on) { btn.textContent = on ? S.stop_reading : S.read_aloud; btn.setAttribute("aria-pressed", on ? "true" : "false"); }
    function speak() {
      var v = voice();
      if (left) { left = 0; synth.cancel(); set(false); return; }
      if (!v) return;
      var lines = article.innerText.split(/\n+/).map(function (t) { return t.trim(); })
        .filter(function (t) { return t && t !== btn.textContent; });
      left = lines.length;
      lines.forEach(function (t) {
        var u = new Utterance(t);
        u.voice = v; u.lang = v.lang;
        u.onend = u.onerror = function () { if (left && !--left) set(false); };
        synth.speak(u);
      });
      set(!!left);
    }
    function place() {
      var v = voice();
      if (!btn && v) {
        btn = doc.createElement("button"); btn.type = "button"; btn.className = "tk-button tk-read";
        set(false); btn.addEventListener("click", speak);
        var h1 = article.querySelector("h1");
        article.insertBefore(btn, h1 ? h1.nextSibling : article.firstChild);
      }
      if (btn) btn.hidden = !v;
    }
    place();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", place);
    win.addEventListener("pagehide", function () { if (left) synth.cancel(); });
  }
