  /* ---------- small helpers (core: no DOM) ---------- */
  var X = "http://adlnet.gov/expapi/verbs/";
  var CMI5 = "https://w3id.org/xapi/cmi5/context/";
  var CMI5_CAT = CMI5 + "categories/cmi5", MOVEON_CAT = CMI5 + "categories/moveon";
  var MASTERY = CMI5 + "extensions/masteryscore";
  var COURSE_IRI = C.id.replace(/\/$/, "");
  var PATH_EXT = COURSE_IRI + "/extensions/path";
  function now() { return win.Date.now(); }
  function iso(t) { return new win.Date(t === undefined ? now() : t).toISOString(); }
  function uuid() {
    var c = win.crypto;
    if (c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16); c.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function warn() { if (win.console) win.console.warn.apply(win.console, ["toolkit:"].concat([].slice.call(arguments))); }
  function clone(o) { return JSON.parse(JSON.stringify(o)); }
  /* a short, stable name for a storage key (never the credential itself) */
  function hash(text) {
    var h = 5381;
    for (var i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
    return h.toString(36);
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
  function lessonById(id) { for (var i = 0; i < C.lessons.length; i++) if (C.lessons[i].id === id) return C.lessons[i]; return null; }
  function lessonIRI(id) { return COURSE_IRI + "/lessons/" + id; }
  function questionIRI(id) { return COURSE_IRI + "/questions/" + id; }
  function map(text) { var m = {}; m[C.lang || C.language || "da"] = text; return m; }

  /* localStorage or sessionStorage; when the browser refuses it (third-party frames,
     private mode, a full quota) the values live in memory for this page, so nothing stops. */
  function Box(kind) {
    var s = null;
    try { s = win[kind]; s.setItem("tk-probe", "1"); s.removeItem("tk-probe"); } catch (e) { s = null; }
    this.s = s; this.mem = {};
  }
  Box.prototype.get = function (k) {
    if (k in this.mem) return clone(this.mem[k]);
    try { return this.s ? JSON.parse(this.s.getItem(k) || "null") : null; } catch (e) { return null; }
  };
  Box.prototype.set = function (k, v) {
    try {
      if (!this.s) throw new Error("no storage");
      if (v === undefined) this.s.removeItem(k); else this.s.setItem(k, JSON.stringify(v));
      delete this.mem[k]; return true;
    } catch (e) {
      if (v === undefined) delete this.mem[k]; else this.mem[k] = clone(v);
      return false;
    }
  };
  var local = new Box("localStorage"), session = new Box("sessionStorage");

  /* durations in whole centiseconds first, so 59.999 s never prints as "60.00" */
  function cs(sec) { return Math.max(0, Math.round(sec * 100)); }
  function hhmmss(sec) {
    var c = Math.min(cs(sec), 999999999), h = Math.floor(c / 360000), m = Math.floor(c % 360000 / 6000), s = c % 6000;
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(Math.floor(s / 100), 2) + "." + pad(s % 100, 2);
  }
  function isoDuration(sec) {
    var c = cs(sec), s = c % 6000;
    return "PT" + Math.floor(c / 360000) + "H" + Math.floor(c % 360000 / 6000) + "M" + Math.floor(s / 100) + "." + pad(s % 100, 2) + "S";
  }
