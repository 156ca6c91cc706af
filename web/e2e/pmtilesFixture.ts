// Writes a small raster PMTiles v3 archive (uncompressed directories, PNG tiles) for the offline-basemap tests:
// a checkerboard of coloured tiles around a point, so a screenshot shows where the basemap is drawn.
import fs from 'node:fs';
import sharp from 'sharp';
import { zxyToTileId } from 'pmtiles';

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function tileXY(lat: number, lon: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [x, y];
}

export async function writeTestPmtiles(file: string, centre: { lat: number; lon: number }, zooms = [12, 13, 14, 15, 16, 17]): Promise<number> {
  const tiles: { id: number; data: Buffer }[] = [];
  for (const z of zooms) {
    const [cx, cy] = tileXY(centre.lat, centre.lon, z);
    for (let x = cx - 2; x <= cx + 2; x++) {
      for (let y = cy - 2; y <= cy + 2; y++) {
        const light = (x + y) % 2 === 0;
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="${light ? '#cfe3c1' : '#b9d3a6'}"/><path d="M0 128H256M128 0V256" stroke="#8aa67a" stroke-width="2"/><text x="8" y="20" font-size="14" fill="#557744">${z}/${x}/${y}</text></svg>`;
        tiles.push({ id: zxyToTileId(z, x, y), data: await sharp(Buffer.from(svg)).png().toBuffer() });
      }
    }
  }
  tiles.sort((a, b) => a.id - b.id);
  const dir: number[] = [];
  varint(tiles.length, dir);
  let last = 0;
  for (const t of tiles) {
    varint(t.id - last, dir);
    last = t.id;
  }
  for (let i = 0; i < tiles.length; i++) varint(1, dir); // run lengths
  for (const t of tiles) varint(t.data.length, dir);
  for (let i = 0; i < tiles.length; i++) varint(i === 0 ? 1 : 0, dir); // offsets: 0+1 first, then contiguous
  const root = Buffer.from(dir);
  const meta = Buffer.from('{}');
  const data = Buffer.concat(tiles.map((t) => t.data));
  const h = Buffer.alloc(127);
  h.write('PMTiles', 0, 'ascii');
  h.writeUInt8(3, 7);
  const rootOff = 127;
  const metaOff = rootOff + root.length;
  const dataOff = metaOff + meta.length;
  const u64 = (v: number, at: number) => h.writeBigUInt64LE(BigInt(v), at);
  u64(rootOff, 8);
  u64(root.length, 16);
  u64(metaOff, 24);
  u64(meta.length, 32);
  u64(dataOff, 40);
  u64(0, 48);
  u64(dataOff, 56);
  u64(data.length, 64);
  u64(tiles.length, 72);
  u64(tiles.length, 80);
  u64(tiles.length, 88);
  h.writeUInt8(1, 96); // clustered
  h.writeUInt8(1, 97); // internal compression: none
  h.writeUInt8(1, 98); // tile compression: none
  h.writeUInt8(2, 99); // png
  h.writeUInt8(Math.min(...zooms), 100);
  h.writeUInt8(Math.max(...zooms), 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  h.writeInt32LE(e7(centre.lon - 0.05), 102);
  h.writeInt32LE(e7(centre.lat - 0.05), 106);
  h.writeInt32LE(e7(centre.lon + 0.05), 110);
  h.writeInt32LE(e7(centre.lat + 0.05), 114);
  h.writeUInt8(Math.max(...zooms), 118);
  h.writeInt32LE(e7(centre.lon), 119);
  h.writeInt32LE(e7(centre.lat), 123);
  fs.writeFileSync(file, Buffer.concat([h, root, meta, data]));
  return tiles.length;
}
