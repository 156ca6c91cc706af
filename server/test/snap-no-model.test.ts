// routes/snaps.ts judges with the classifier it is handed (AppDeps.classifier) and never loads one itself:
// an app built without one answers 503 model_unavailable, and the server stays up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestJpeg, startTestServer, type TestServer } from './helpers/server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv.close());

describe('POST /api/snaps without a classifier in deps', () => {
  it('answers 503 model_unavailable, and answers again the same way', async () => {
    for (let i = 0; i < 2; i++) {
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(await makeTestJpeg({ lat: 25.04, lon: 102.71, seed: i }))], { type: 'image/jpeg' }), 'p.jpg');
      const r = await srv.fetch('/api/snaps', { method: 'POST', body: form });
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ error: 'model_unavailable', message: expect.stringMatching(/no poppy model/i) });
    }
    expect((await srv.fetch('/api/health')).status).toBe(200);
  });
});
