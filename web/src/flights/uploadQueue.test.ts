import { describe, expect, it } from 'vitest';
import { UploadQueue, type Transport } from './uploadQueue.js';

const file = (name: string, size = 1000) => new File([new Uint8Array(size)], name, { type: 'image/jpeg' });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
};

describe('UploadQueue', () => {
  it('reports progress, duplicates, refusals with reasons, and retries network failures', async () => {
    const attempts = new Map<string, number>();
    const transport: Transport = {
      async send(_url, f, name, onProgress) {
        const n = (attempts.get(name) ?? 0) + 1;
        attempts.set(name, n);
        onProgress(f.size / 2);
        if (name === 'flaky.jpg' && n === 1) throw new Error('network');
        if (name === 'big.jpg') return { status: 413, body: { error: 'file_too_large', message: 'big.jpg is larger than 64 MB' } };
        if (name === 'notes.txt') return { status: 202, body: { accepted: [], rejected: [{ name, error: 'not an image (text/plain)' }] } };
        onProgress(f.size);
        return { status: 202, body: { accepted: [{ id: name, name, sha256: 'x', duplicate: name === 'again.jpg' }], rejected: [] } };
      },
    };
    const q = new UploadQueue('/api/flights/1/images', transport, { retryDelayMs: 1, concurrency: 2 });
    q.add([file('a.jpg'), file('again.jpg'), file('flaky.jpg'), file('big.jpg'), file('notes.txt')]);
    await until(() => q.totals().finished);
    const byName = Object.fromEntries(q.items.map((i) => [i.name, i]));
    expect(byName['a.jpg'].state).toBe('done');
    expect(byName['again.jpg'].state).toBe('duplicate');
    expect(byName['flaky.jpg']).toMatchObject({ state: 'done', attempts: 2 });
    expect(byName['big.jpg']).toMatchObject({ state: 'rejected', message: 'big.jpg is larger than 64 MB' });
    expect(byName['notes.txt']).toMatchObject({ state: 'rejected', message: 'not an image (text/plain)' });
    expect(q.totals().fraction).toBe(1);
  });

  it('marks a file failed after the last attempt and retries it on request', async () => {
    let down = true;
    const transport: Transport = {
      async send(_url, _f, name) {
        if (down) return { status: 503, body: { error: 'unavailable', message: 'restarting' } };
        return { status: 202, body: { accepted: [{ id: 1, name, sha256: 'x', duplicate: false }], rejected: [] } };
      },
    };
    const q = new UploadQueue('/u', transport, { retryDelayMs: 1, maxAttempts: 2 });
    q.add([file('a.jpg')]);
    await until(() => q.totals().finished);
    expect(q.items[0]).toMatchObject({ state: 'failed', attempts: 2, message: 'restarting' });
    down = false;
    q.retryFailed();
    await until(() => q.items[0].state === 'done');
  });
});
