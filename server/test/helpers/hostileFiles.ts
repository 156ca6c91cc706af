/** Hostile files for the security tests, generated small (nothing read from disk). */
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { planWindows, type DenseModel } from '../../src/pipeline/denseModel.js';

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/**
 * A complete, valid 1-bit greyscale PNG of `side`×`side` black pixels: ~110 KB on disk for 30000×30000
 * (900 megapixels, ~112 MB of raw rows, gigabytes once decoded to RGB). A decompression bomb.
 */
export async function pngBomb(side = 30_000): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8);
  const rowsPerChunk = 1000;
  // every row: filter byte 0 + zero pixels; deflated as a stream so the raw rows never sit in memory at once
  const block = Buffer.alloc(rowBytes * rowsPerChunk);
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let row = 0; row < side; row += rowsPerChunk) deflate.write(block.subarray(0, Math.min(rowsPerChunk, side - row) * rowBytes));
  deflate.end();
  await ended;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.concat(parts)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Inserts an APP1 "Exif" segment of random bytes right after the JPEG's SOI marker. */
export function withGarbageExif(jpeg: Buffer, seed = 1): Buffer {
  const body = Buffer.concat([Buffer.from('Exif\0\0II*\0', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), crypto.createHash('sha512').update(String(seed)).digest(), crypto.randomBytes(2000)]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, body, jpeg.subarray(2)]);
}

/**
 * A stand-in aerial model for the real pipeline (metadata, camera model, resampling, blobs, ground positions): the
 * top-left 4×4 cells of every frame hold a poppy plot of 16 heads, so each frame yields one detection and sites
 * exist without a trained model.
 */
export function fakeAerialModel(opts: { cmPerPx?: number } = {}): DenseModel {
  const stride = 8;
  return {
    manifest: { name: 'fake', groundResolutionCmPerPx: opts.cmPerPx ?? 2, stride, thresholds: { presence: 0.5, minHeads: 3, minScore: 0.5 } },
    version: '0.0.1',
    async infer(frame, gate) {
      const cols = Math.ceil(frame.width / stride);
      const rows = Math.ceil(frame.height / stride);
      const n = cols * rows;
      const channels = 2;
      const maps = {
        cols, rows, stride, channels,
        presence: new Float32Array(n), poppyHeads: new Float32Array(n), otherHeads: new Float32Array(n),
        features: new Float32Array(n * channels), scanned: new Uint8Array(n).fill(1),
      };
      for (let r = 0; r < Math.min(4, rows); r++) {
        for (let c = 0; c < Math.min(4, cols); c++) {
          maps.presence[r * cols + c] = 0.9;
          maps.poppyHeads[r * cols + c] = 1;
          maps.features[(r * cols + c) * channels] = 1;
        }
      }
      const windows = planWindows(frame.width, frame.height, stride);
      return { ...maps, windows: windows.length, gatedWindows: windows.filter((w) => !gate(w)).length };
    },
  };
}

/** The start of an ISO-BMFF file (HEIC, AVIF…): an ftyp box with its major and compatible brands. */
export function ftypBox(major: string, ...compat: string[]): Buffer {
  const b = Buffer.alloc(16 + 4 * compat.length + 8);
  b.writeUInt32BE(16 + 4 * compat.length, 0);
  b.write('ftyp', 4, 'latin1');
  b.write(major, 8, 'latin1');
  compat.forEach((c, i) => b.write(c, 16 + 4 * i, 'latin1'));
  return b;
}
