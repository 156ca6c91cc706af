import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/index.js';
import { checkImageSize } from '../images/pixelLimit.js';
import { sniffImage, SNIFF_BYTES } from '../images/sniff.js';
import { sha256OfFile } from '../util/sha256.js';
import { checkJpegComplete } from './jpegComplete.js';
import type { JobEvents } from './events.js';
import { frameQueue } from './frameQueue.js';

export interface Accepted {
  id: number;
  name: string;
  sha256: string;
  duplicate: boolean;
}

export interface Rejected {
  name: string;
  error: string;
  code: string;
}

/** A file received into a temp path; sha256 and head were computed while it streamed in (or are computed here). */
export interface ReceivedFile {
  tmpPath: string | null;
  name: string;
  size: number;
  sha256?: string;
  head?: Buffer;
  /** set when the upload refused the file before it was fully written (e.g. over the size limit) */
  refused?: { code: string; reason: string };
}

/** A display name only (never a path): last path component, no control characters, bounded length. */
/** busboy (under multer 2) decodes multipart file names as latin1; browsers and curl send UTF-8 bytes. */
function utf8FromLatin1(raw: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(raw) || /[^\u0000-\u00ff]/.test(raw)) return raw;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
}

export function cleanFileName(raw: string): string {
  const base = utf8FromLatin1(raw).split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').normalize('NFC').trim();
  const bounded = [...clean].slice(0, 200).join('');
  return bounded && bounded !== '.' && bounded !== '..' ? bounded : 'unnamed';
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function removeQuietly(file: string | null): Promise<void> {
  if (file) await fs.promises.rm(file, { force: true });
}

/**
 * Takes one received file into a flight: checks it by content, stores the original byte-for-byte under
 * originals/<sha256>, records the frame and queues its job in one transaction. The same bytes sent again to the
 * same flight are a no-op reported as a duplicate.
 */
export async function ingestFile(
  store: Store,
  events: JobEvents | null,
  f: ReceivedFile,
  ctx: { flightId: number; uploadedBy?: string | null },
): Promise<{ accepted: Accepted } | { rejected: Rejected }> {
  const name = cleanFileName(f.name);
  const reject = async (code: string, reason: string) => {
    await removeQuietly(f.tmpPath);
    return { rejected: { name, error: reason, code } };
  };
  if (f.refused) return reject(f.refused.code, f.refused.reason);
  if (!f.tmpPath) return reject('no_data', 'No data was received for this file.');
  const head = f.head ?? (await readHead(f.tmpPath));
  const sniffed = sniffImage(head);
  if (!sniffed.ok) return reject(sniffed.code, sniffed.reason);
  const sha256 = f.sha256 ?? (await sha256OfFile(f.tmpPath));

  const existing = await store.images.findInFlight(ctx.flightId, sha256);
  if (existing) {
    await removeQuietly(f.tmpPath);
    return { accepted: { id: existing.id, name: existing.name, sha256, duplicate: true } };
  }
  const size = await checkImageSize(f.tmpPath);
  const problem = !size.ok ? size : sniffed.mime === 'image/jpeg' ? await checkJpegComplete(f.tmpPath) : null;
  if (problem) return reject(problem.code, problem.reason);

  await store.blobs.keepOriginal(sha256, { file: f.tmpPath });
  const { image, duplicate } = await frameQueue(store, events).enqueue({ flightId: ctx.flightId, name, sha256, sizeBytes: f.size, mime: sniffed.mime, uploadedBy: ctx.uploadedBy });
  return { accepted: { id: image.id, name: image.name, sha256, duplicate } };
}

/** Ingests a file already on disk (the demo flight, scripts): copied to a temp file first, the source untouched. */
export async function ingestPath(
  store: Store,
  events: JobEvents | null,
  file: string,
  ctx: { flightId: number; uploadedBy?: string | null },
): Promise<{ accepted: Accepted } | { rejected: Rejected }> {
  const tmpDir = path.join(store.dataDir, 'tmp');
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `ingest-${crypto.randomUUID()}`);
  await fs.promises.copyFile(file, tmp);
  const size = (await fs.promises.stat(tmp)).size;
  return ingestFile(store, events, { tmpPath: tmp, name: path.basename(file), size }, ctx);
}
