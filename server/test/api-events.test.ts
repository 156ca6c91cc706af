import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeProcessor } from './helpers/fakeProcessor.js';
import { makeTestJpeg, startTestServer, uploadForm, type TestServer } from './helpers/server.js';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a text/event-stream until `until` says stop; returns the events seen. */
async function readEvents(res: Response, until: (e: SseEvent, all: SseEvent[]) => boolean, timeoutMs = 15_000): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const seen: SseEvent[] = [];
  let buf = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let idx: number;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || !data) continue;
        const e = { event, data: JSON.parse(data) as Record<string, unknown> };
        seen.push(e);
        if (until(e, seen)) return seen;
      }
    }
    throw new Error(`stream ended or timed out; saw ${JSON.stringify(seen)}`);
  } finally {
    await reader.cancel();
  }
}

describe('flight progress over Server-Sent Events', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ process: fakeProcessor({ delayMs: 60 }).process });
  });
  afterAll(async () => s?.close());

  it('sends progress while frames are processed, ending with the flight done, and frees the stream on close', async () => {
    const f = await s.fetch('/api/flights', { method: 'POST', json: { name: 'sse' } });
    const { id } = (await f.json()) as { id: number };
    const stream = await s.fetch(`/api/flights/${id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const frames = await Promise.all([1, 2, 3, 4].map((i) => makeTestJpeg({ lat: 34.5 + i * 0.001, lon: 69.1, seed: i })));
    const reading = readEvents(stream, (e) => e.event === 'progress' && e.data.status === 'done' && e.data.processed === 4);
    const up = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(frames.map((d, i) => ({ name: `${i}.jpg`, data: d }))) });
    expect(up.status).toBe(202);
    const events = await reading;
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress[0].data).toMatchObject({ flightId: id, status: 'empty', total: 0 });
    // intermediate progress with an ETA while work was pending
    expect(progress.some((e) => e.data.status === 'processing' && typeof e.data.etaS === 'number')).toBe(true);
    expect(progress.at(-1)!.data).toMatchObject({ status: 'done', total: 4, processed: 4, failed: 0, etaS: null });
    expect(events.filter((e) => e.event === 'frame' && e.data.status === 'done')).toHaveLength(4);

    // the reader was cancelled: the server lets go of the stream
    const { waitFor } = await import('./helpers/fakeProcessor.js');
    await waitFor(() => s.sse.size === 0, 5_000, 'stream released');

    const unknown = await s.fetch('/api/flights/98765/events');
    expect(unknown.status).toBe(404);
    const anon = await s.fetch(`/api/flights/${id}/events`, { auth: false });
    expect(anon.status).toBe(401);
  });
});
