// Snap benchmark: server time for a 12 MP phone photo, end to end (sniff, EXIF, decode with shrink-on-load,
// inference, original saved, image/detection/site/snap stored), over HTTP and in-process, against a naive
// baseline that decodes every pixel before resizing. Usage: npx tsx scripts/bench/bench-snap.ts [runs]
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { SseHub } from '../../server/src/http/sse.js';
import { JobEvents } from '../../server/src/jobs/events.js';
import { createLogger } from '../../server/src/logger.js';
import { Classifier } from '../../server/src/model/classifier.js';
import { MAX_INPUT_PIXELS } from '../../server/src/images/pixelLimit.js';
import { submitSnap, type SnapDeps } from '../../server/src/snap/submitSnap.js';
import { openStore } from '../../server/src/store/index.js';

const RUNS = Number(process.argv[2] ?? 30);
const NAIVE_RUNS = Math.max(5, Math.round(RUNS / 3));
const TOKEN = 'bench-snap-bootstrap-token';
const GOAL_MS = 300;

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHARED = path.resolve(process.env.POPPY_SHARED_DIR ?? path.join(REPO, '../shared'));

/** A phone-sized JPEG (orientation 6) with phone-like detail: a real flower photo scaled up with sensor-like noise, or a drawn one. */
async function phonePhoto(width: number, height: number): Promise<{ bytes: Buffer; source: string }> {
  const dir = path.join(SHARED, 'data/flowers/oxford102/corn_poppy');
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort()[0] : undefined;
  const base = file
    ? sharp(path.join(dir, file)).resize(width, height, { fit: 'cover', kernel: 'cubic' })
    : sharp({ create: { width: width, height: height, channels: 3, background: { r: 60, g: 130, b: 50 } } }).composite([
        { input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="#d22"/><circle cx="${width / 2}" cy="${height / 2}" r="${height / 12}" fill="#222"/></svg>`) },
      ]);
  const noise = await sharp({ create: { width: width, height: height, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 18 } } })
    .png()
    .toBuffer();
  const bytes = await sharp(await base.png().toBuffer())
    .composite([{ input: noise, blend: 'overlay' }])
    .jpeg({ quality: 92 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return { bytes, source: file ? `oxford102/corn_poppy/${file} upscaled + noise` : 'drawn (no ../shared)' };
}

/** Full decode of every pixel, then resize: what happens without JPEG shrink-on-load. */
async function naivePixels(photo: Buffer, size: number): Promise<Buffer> {
  const { data, info } = await sharp(photo, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().raw().toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-bench-snap-'));
  const config = loadConfig({ ...process.env, POPPY_DATA_DIR: dataDir, POPPY_DEMO: '0', POPPY_BOOTSTRAP_TOKEN: TOKEN, POPPY_LOG_LEVEL: 'silent' });
  const store = await openStore({ dataDir });
  const classifier = await Classifier.load({ manifestPath: config.modelPath, threads: config.ortThreads });
  const { bytes, source } = await phonePhoto(4000, 3000);
  const meta = await sharp(bytes).metadata();
  console.log(`snap bench: ${meta.width}×${meta.height} JPEG (${(bytes.length / 1e6).toFixed(1)} MB, orientation ${meta.orientation}) from ${source}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine inflates every figure)`);
  console.log(`model ${classifier.manifest.name} ${classifier.manifest.version}; ${os.cpus().length} CPUs; ORT threads ${config.ortThreads}; sharp threads ${sharp.concurrency()}`);

  const user = { id: 0, username: 'bench' };
  const position = { lat: 51.75, lon: -1.25, accuracyM: 8, source: 'device' as const };
  const run = async (deps: SnapDeps) => {
    const o = await submitSnap(deps, { photo: bytes, position, note: null, idempotencyKey: null, user });
    return o.timings!;
  };

  // warm-up: first inference allocates, first decode loads codecs
  await run({ store, classifier });
  await run({ store, classifier, pixels: naivePixels });

  const fast: Record<string, number>[] = [];
  for (let i = 0; i < RUNS; i++) fast.push(await run({ store, classifier }));
  const naive: Record<string, number>[] = [];
  for (let i = 0; i < NAIVE_RUNS; i++) naive.push(await run({ store, classifier, pixels: naivePixels }));

  // Over HTTP too: multipart parsing, auth and JSON on top (loopback, so transfer is near zero).
  // The snap router uses the classifier handed to it in deps.
  const deps = { config, store, logger: createLogger({ level: 'silent' }), model: classifier.manifest, events: new JobEvents(), sse: new SseHub(), classifier };
  const app = createApp(deps);
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/snaps`;
  // The client runs in its own process (curl) so its multipart encoding does not share this event loop.
  const photoFile = path.join(dataDir, 'bench-12mp.jpg');
  fs.writeFileSync(photoFile, bytes);
  const hasCurl = (() => {
    try {
      execFileSync('curl', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const post = async (): Promise<{ took: number; status: number; timing: string }> => {
    if (hasCurl) {
      const { stdout: out } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-D', '-', '-w', 'TOOK %{time_total} %{http_code}\n', '-H', `authorization: Bearer ${TOKEN}`,
        '-F', 'lat=51.75', '-F', 'lon=-1.25', '-F', `photo=@${photoFile};type=image/jpeg`, url], { encoding: 'utf8' });
      const m = /TOOK ([\d.]+) (\d+)/.exec(out)!;
      return { took: Number(m[1]) * 1000, status: Number(m[2]), timing: /server-timing: (.*)/i.exec(out)?.[1] ?? '' };
    }
    const form = new FormData();
    form.append('lat', '51.75');
    form.append('lon', '-1.25');
    form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    await res.json();
    return { took: performance.now() - t, status: res.status, timing: res.headers.get('server-timing') ?? '' };
  };
  const http: number[] = [];
  const serverTiming: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const r = await post();
    if (r.status !== 201) throw new Error(`POST /api/snaps answered ${r.status}`);
    if (i === 0) continue; // warm-up of the HTTP path
    http.push(r.took);
    const total = /request;dur=([\d.]+)/.exec(r.timing);
    if (total) serverTiming.push(Number(total[1]));
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));

  // The largest phones: 48 MP, a few runs of the served path only.
  const big = await phonePhoto(8000, 6000);
  const bigRuns: number[] = [];
  for (let i = 0; i < 6; i++) {
    const o = await submitSnap({ store, classifier }, { photo: big.bytes, position, note: null, idempotencyKey: null, user });
    if (i > 0) bigRuns.push(o.timings!.total);
  }

  const stages = Object.keys(fast[0]);
  const table = (name: string, rows: Record<string, number>[]) =>
    console.log(`${name.padEnd(28)} ${stages.map((s) => `${s} ${pct(rows.map((r) => r[s]), 50).toFixed(1)}`).join(' · ')}`);
  console.log(`\nmedian ms per stage (${RUNS} runs / ${NAIVE_RUNS} naive runs):`);
  table('shrink-on-load (served)', fast);
  table('naive full decode', naive);
  const fastTotal = fast.map((r) => r.total);
  const naiveTotal = naive.map((r) => r.total);
  console.log(`\nsnap service, in-process : p50 ${ms(pct(fastTotal, 50))}  p95 ${ms(pct(fastTotal, 95))}`);
  console.log(`naive baseline           : p50 ${ms(pct(naiveTotal, 50))}  p95 ${ms(pct(naiveTotal, 95))}`);
  console.log(`HTTP POST /api/snaps     : p50 ${ms(pct(http, 50))}  p95 ${ms(pct(http, 95))} (${hasCurl ? 'curl' : 'fetch'} round trip on loopback)`);
  if (serverTiming.length) console.log(`  server time (Server-Timing request): p50 ${ms(pct(serverTiming, 50))}  p95 ${ms(pct(serverTiming, 95))}`);
  console.log(`48 MP JPEG (${(big.bytes.length / 1e6).toFixed(1)} MB), in-process: p50 ${ms(pct(bigRuns, 50))}  max ${ms(Math.max(...bigRuns))}`);
  console.log(`speed-up vs naive (p50)  : ×${(pct(naiveTotal, 50) / pct(fastTotal, 50)).toFixed(1)}`);
  const p95 = pct(serverTiming.length ? serverTiming : http, 95);
  console.log(`goal ≤ ${GOAL_MS} ms server time for 12 MP: ${p95 <= GOAL_MS ? 'MET' : 'NOT MET'} (server p95 ${ms(p95)})`);

  await classifier.dispose();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
