import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestJpeg, spawnServer, tempDataDir, uploadForm } from './helpers/server.js';
import { REPO_ROOT } from './helpers/shared.js';

describe('the real server process (npm start path)', () => {
  const dataDir = tempDataDir('poppy-serve-');
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('listens on a free port, serves API and web app, stops cleanly on SIGTERM and keeps data across restarts', async () => {
    // no model: this test is about serving, and loading onnxruntime twice would only slow it down
    const env = { POPPY_MODEL: path.join(dataDir, 'no-model.json') };
    const srv = await spawnServer({ dataDir, env });
    try {
      const health = await fetch(`${srv.url}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, model: null });
      expect(srv.output()).toMatch(/"msg":"listening"/);
      // security headers and no stack traces
      expect(health.headers.get('x-content-type-options')).toBe('nosniff');
      expect(health.headers.get('content-security-policy')).toContain("default-src 'self'");

      const f = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'kept' } });
      expect(f.status).toBe(201);
      const { id } = (await f.json()) as { id: number };
      const up = await srv.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm([{ name: 'a.jpg', data: await makeTestJpeg({ lat: 1, lon: 1 }) }]) });
      expect(up.status).toBe(202);

      const built = fs.existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'));
      const page = await fetch(`${srv.url}/review/some/deep/link`);
      const snap = await fetch(`${srv.url}/snap`);
      if (built) {
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/text\/html/);
        expect(snap.status).toBe(200);
        expect(await snap.text()).not.toBe(await (await fetch(`${srv.url}/`)).text());
      } else {
        expect(page.status).toBe(503);
        expect(await page.text()).toMatch(/npm run build/);
      }
      expect((await fetch(`${srv.url}/assets/missing.js`)).status).toBe(404);
      // the log never carries the token
      expect(srv.output()).not.toContain(srv.token);
    } finally {
      const code = await srv.kill('SIGTERM');
      expect(code).toBe(0);
      expect(srv.output()).toMatch(/"msg":"stopped"/);
    }

    const again = await spawnServer({ dataDir, env });
    try {
      const flights = (await (await again.fetch('/api/flights')).json()) as { flights: { name: string; images: { total: number } }[] };
      expect(flights.flights).toEqual([expect.objectContaining({ name: 'kept', images: expect.objectContaining({ total: 1 }) })]);
    } finally {
      await again.kill('SIGKILL');
    }
  });
});
