import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PMTiles, type Source } from 'pmtiles';
import { expect, it } from 'vitest';
import { writeTestPmtiles } from './pmtilesFixture.js';

class FileSource implements Source {
  constructor(private file: string) {}
  getKey() {
    return this.file;
  }
  async getBytes(offset: number, length: number) {
    const buf = fs.readFileSync(this.file).subarray(offset, offset + length);
    return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer };
  }
}

it('the test PMTiles writer makes an archive the pmtiles reader can read', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pmt-')), 't.pmtiles');
  const n = await writeTestPmtiles(file, { lat: 24.953, lon: 102.6192 }, [15, 16]);
  expect(n).toBe(50);
  const p = new PMTiles(new FileSource(file));
  const h = await p.getHeader();
  expect([h.minZoom, h.maxZoom]).toEqual([15, 16]);
  const x = Math.floor(((102.6192 + 180) / 360) * 2 ** 16);
  const r = (24.953 * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** 16);
  const tile = await p.getZxy(16, x, y);
  expect(tile).toBeDefined();
  expect(Buffer.from(tile!.data).subarray(1, 4).toString()).toBe('PNG');
  expect(await p.getZxy(16, x + 10, y)).toBeUndefined();
});
