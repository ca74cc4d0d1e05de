  /* a web package (not an LMS package) served over http(s) keeps itself on the device (sw.js) */
  function offline(tracker) {
    var sw = win.navigator.serviceWorker;
    if (!sw || !C.offline || tracker.adapter.name !== "web" || (C.format && C.format !== "web") || !/^https?:$/.test(win.location.protocol)) return;
    sw.register("sw.js").then(null, function (e) { warn("no offline copy:", e && e.message || e); });
  }
