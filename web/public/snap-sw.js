// Service worker of the snap page (/snap only): keeps the page and its assets so an officer with no signal can still
// open it, take snaps and leave them in the outbox. The API is never cached. Network first for the page, so a new
// deployment is picked up whenever there is a connection; cache first for the hashed /assets/ files.
const CACHE = 'poppywatch-snap-v1';
const PAGE = '/snap';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const res = await fetch(PAGE, { cache: 'no-store', credentials: 'same-origin' });
      if (!res.ok) return;
      const html = await res.clone().text();
      await cache.put(PAGE, res);
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.addAll(assets);
    })().then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

const remember = (request, response) => {
  if (response.ok) {
    const copy = response.clone();
    void caches.open(CACHE).then((c) => c.put(request, copy));
  }
  return response;
};

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate' && /^\/snap(\/|\.html)?$/.test(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((res) => remember(PAGE, res))
        .catch(async () => (await caches.match(PAGE)) ?? Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request).then((res) => remember(request, res))));
  }
});
