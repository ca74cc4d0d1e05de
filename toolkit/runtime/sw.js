/* toolkit's service worker for a web package: the whole course is kept on the device at the
   first visit, so it opens and works offline afterwards.  The build puts FILES (the site's
   files, video and sound left out) and VERSION (their digest) in front of this file.
   Only this site's own GET requests are answered from the cache; statements to the LRS are
   never touched: the runtime's queue keeps them and sends them when the phone is online. */
var SCOPE = self.registration.scope, CACHE = "tk-" + SCOPE + "|" + VERSION;
self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(FILES); }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (e) {
  /* an older version of this course only: other courses on the origin keep theirs */
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("tk-" + SCOPE + "|") === 0 && k !== CACHE; })
      .map(function (k) { return caches["delete"](k); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (e) {
  var req = e.request, url = req.url.split("#")[0].split("?")[0];
  if (req.method !== "GET" || url.indexOf(SCOPE) !== 0) return;
  if (url === SCOPE) url += "index.html";
  e.respondWith(caches.open(CACHE).then(function (c) {
    return c.match(url).then(function (hit) {
      return hit || fetch(req).then(function (r) {
        if (r.status === 200 && r.type === "basic" && !/\.(mp4|webm|m4v|mov|mp3|m4a|ogg|wav)$/i.test(url)) c.put(url, r.clone());
        return r;
      });
    });
  }));
});
