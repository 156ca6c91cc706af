import sharp from 'sharp';
import { resampleFrame } from './src/pipeline/resample.js';
import { cutTile } from './src/pipeline/tilePlan.js';
// demo frame DJI_0003 at 2 cm/px: plot P1 at (1765,1388) original → ×0.8588
const f = await resampleFrame('/work/main/samples/demo-flight/DJI_0003.JPG', 3435, 2577);
const cx = Math.round(1765 * 0.8588), cy = Math.round(1388 * 0.8588);
const t = cutTile(f.data, f.width, f.height, { x: cx - 112, y: cy - 112, w: 224, h: 224 });
const a = await sharp(t, { raw: { width: 224, height: 224, channels: 3 } }).png().toBuffer();
const b = await sharp('/work/main/.cache/train/drone/val/tiles/00000_drone_poppy_plot.png').png().toBuffer();
const c = await sharp('/work/main/.cache/train/drone/val/tiles/00003_drone_poppy_plot.png').png().toBuffer();
await sharp({ create: { width: 224 * 3 + 20, height: 224, channels: 3, background: '#fff' } }).composite([{ input: a, left: 0, top: 0 }, { input: b, left: 234, top: 0 }, { input: c, left: 468, top: 0 }]).resize(1380).png().toFile('/tmp/cmp.png');
