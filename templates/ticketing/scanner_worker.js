// The gate scanner's service worker (ticketing/scanner_app.py): keeps the scanner page
// and its files, so that the page opens and scans with no network. The page keeps its
// keys, rules and scans in IndexedDB itself (static/expo/offline.js).
"use strict";
const CACHE = "expo-scanner-{{ version }}";
const FILES = {{ files|safe }};
const SCOPE = new URL(self.registration.scope).pathname;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(FILES); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.startsWith("expo-scanner-") && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(keepOpenPages).then(function () { return self.clients.claim(); })
  );
});

// The page that installed the worker was loaded before it: keep it now, so that it opens
// offline from its first visit on.
async function keepOpenPages() {
  const cache = await caches.open(CACHE);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  await Promise.all(windows.filter(function (client) {
    return new URL(client.url).pathname.startsWith(SCOPE);
  }).map(function (client) {
    return cache.add(new Request(client.url, { credentials: "same-origin" })).catch(function () {});
  }));
}

// The page: from the network while there is one (it holds a fresh form token), else the
// copy kept at the last visit. Its files: the kept copy at once, refreshed behind it.
self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
    event.respondWith(fromNetwork(request));
  } else if (FILES.includes(url.pathname)) {
    event.respondWith(fromCache(request));
  }
});

async function fromNetwork(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // The page varies with the cookie and the language; the kept copy is this device's.
    const kept = await cache.match(request, { ignoreVary: true, ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  const fresh = fetch(request).then(function (response) {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (kept) {
    fresh.catch(function () {});
    return kept;
  }
  return fresh;
}
