// Inspections service worker: the round pages and their script are answered from the
// network when it is there and from the cache when it is not, so an offline round page
// still opens on a phone that lost the internal network. Records never go through here:
// they wait in localStorage (offline.js).
var CACHE = "inspections-v1";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.pathname.indexOf("/inspections/") !== 0 && url.pathname.indexOf("/static/") !== 0) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request);
    })
  );
});
