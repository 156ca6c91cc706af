import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { derivedImage, detectionCrop, DERIVED_SIZES } from '../images/derived.js';
import type { Store } from '../store/index.js';
import type { CameraResult } from '../pipeline/camera.js';
import { latLonToPixel } from '../pipeline/groundPosition.js';
import type { Detection, GeoJsonPolygon, ImageRecord, Site } from '../store/types.js';
import { CASE_BANDS, caseBand } from './caseBands.js';
import { decimal, distanceBearing, dms, toGcj02, type LatLon } from './geo.js';
import { siteEstimates } from './views.js';

/** Where the CJK font is looked for: POPPY_CJK_FONT (config.cjkFont), then Debian's fonts-wqy-microhei (installed by .ci/run). */
export const CJK_FONT_PATHS = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'];
const CJK_FONT_NAMES: Record<string, string> = { 'wqy-microhei.ttc': 'WenQuanYiMicroHei', 'wqy-zenhei.ttc': 'WenQuanYiZenHei' };

/** `file.ttc#PostScriptName` picks one font of a collection; a .ttf needs no name. */
export function findCjkFont(configured?: string): { path: string; family?: string } | null {
  if (configured) {
    const [file, family] = configured.split('#');
    if (fs.existsSync(file)) return { path: file, family: family || CJK_FONT_NAMES[file.split('/').pop()!] };
  }
  for (const p of CJK_FONT_PATHS) if (fs.existsSync(p)) return { path: p, family: CJK_FONT_NAMES[p.split('/').pop()!] };
  return null;
}

interface Sheet {
  site: Site;
  flightName: string | null;
  task: Awaited<ReturnType<Store['field']['get']>>;
  map: Buffer | null;
  mapCaption: string;
  crop: Buffer | null;
  nearest: { image: ImageRecord; at: LatLon } | null;
  takeoff: { image: ImageRecord; at: LatLon } | null;
}

/** Orientation 1–8: where a stored pixel lands once the image is turned the right way up. */
export function uprightPoint(x: number, y: number, w: number, h: number, o: number): { x: number; y: number; w: number; h: number } {
  switch (o) {
    case 2: return { x: w - x, y, w, h };
    case 3: return { x: w - x, y: h - y, w, h };
    case 4: return { x, y: h - y, w, h };
    case 5: return { x: y, y: x, w: h, h: w };
    case 6: return { x: h - y, y: x, w: h, h: w };
    case 7: return { x: h - y, y: w - x, w: h, h: w };
    case 8: return { x: y, y: w - x, w: h, h: w };
    default: return { x, y, w, h };
  }
}

/** The plot outline (ground polygon) in upright preview pixels; null when the frame cannot be projected. */
export function outlineOnFrame(image: ImageRecord, outline: GeoJsonPolygon | null, scale: number): string | null {
  const camera = image.camera as CameraResult | null;
  const ring = outline?.coordinates[0];
  if (!camera?.precise || !ring || ring.length < 3) return null;
  const points: string[] = [];
  for (const [lon, lat] of ring) {
    const px = latLonToPixel(camera, { lat, lon });
    if (!px) return null;
    const up = uprightPoint(px.x, px.y, image.width!, image.height!, image.orientation ?? 1);
    points.push(`${(up.x * scale).toFixed(1)},${(up.y * scale).toFixed(1)}`);
  }
  return points.join(' ');
}

/**
 * The frame's preview (flight's own imagery) with the site ringed (error radius when the scale is known) and, for a
 * plot, its measured outline drawn on it, so the team sees the plot's shape and extent on the ground.
 */
async function markedFrame(store: Store, image: ImageRecord, det: Detection, site: Site): Promise<Buffer | null> {
  if (!image.width || !image.height) return null;
  const file = await derivedImage(store.blobs.derived, store.blobs.originals, image.sha256, 'preview');
  const meta = await sharp(file).metadata();
  const p = uprightPoint(det.box.x + det.box.w / 2, det.box.y + det.box.h / 2, image.width, image.height, image.orientation ?? 1);
  const scale = (meta.width ?? DERIVED_SIZES.preview) / p.w;
  const gsd = (image.camera as { gsdCmPerPx?: number } | null)?.gsdCmPerPx;
  const boxR = (Math.max(det.box.w, det.box.h) / 2) * scale;
  const r = Math.max(14, boxR + 6, gsd ? ((site.errorRadiusM * 100) / gsd) * scale : 0);
  const cx = p.x * scale;
  const cy = p.y * scale;
  const outline = outlineOnFrame(image, site.outline, scale);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${meta.width}" height="${meta.height}">
    ${outline ? `<polygon points="${outline}" fill="none" stroke="#ffffff" stroke-width="5"/><polygon points="${outline}" fill="none" stroke="#ffd400" stroke-width="2.5" stroke-dasharray="8 5"/>` : ''}
    <circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#ffffff" stroke-width="7"/>
    <circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#e0115f" stroke-width="4"/>
    <path d="M${cx - r - 18} ${cy}H${cx - r + 6}M${cx + r - 6} ${cy}H${cx + r + 18}M${cx} ${cy - r - 18}V${cy - r + 6}M${cx} ${cy + r - 6}V${cy + r + 18}" stroke="#e0115f" stroke-width="4"/>
  </svg>`;
  return sharp(file).composite([{ input: Buffer.from(svg) }]).jpeg({ quality: 80 }).toBuffer();
}

async function gatherSheet(store: Store, site: Site): Promise<Sheet> {
  const detections = await store.detections.listBySite(site.id);
  const best = detections.find((d) => d.id === site.bestDetectionId) ?? detections[0] ?? null;
  const images = new Map<number, ImageRecord>();
  for (const d of detections) {
    const im = await store.images.get(d.imageId);
    if (im) images.set(im.id, im);
  }
  let map: Buffer | null = null;
  let crop: Buffer | null = null;
  let mapCaption = 'No frame of a flight shows this site (phone snap). · 无航拍图像（手机拍照）';
  if (best) {
    const image = images.get(best.imageId);
    if (image) {
      crop = await fs.promises.readFile(await detectionCrop(store.blobs.derived, store.blobs.originals, image.sha256, best.id, best.box)).catch(() => null);
      if (site.source === 'drone') {
        map = await markedFrame(store, image, best, site).catch(() => null);
        const yaw = (image.camera as { yawDeg?: number } | null)?.yawDeg;
        mapCaption = `Frame ${image.name}${image.takenAt ? `, ${image.takenAt.slice(0, 16).replace('T', ' ')}` : ''}${yaw != null ? ` · top of image faces ${Math.round(((yaw % 360) + 360) % 360)}° 图像上方朝向` : ''}${site.outline ? ' · dashed yellow: plot outline 黄色虚线：地块轮廓' : ''}`;
      }
    }
  }
  // How to get there: the frame taken nearest above the site, and the flight's first frame (near the take-off point).
  let nearest: Sheet['nearest'] = null;
  for (const im of images.values()) {
    if (im.lat == null || im.lon == null) continue;
    const at = { lat: im.lat, lon: im.lon };
    if (!nearest || distanceBearing(at, site).distanceM < distanceBearing(nearest.at, site).distanceM) nearest = { image: im, at };
  }
  let takeoff: Sheet['takeoff'] = null;
  if (site.flightId != null) {
    const first = (await store.images.listByFlight(site.flightId)).find((im) => im.lat != null && im.lon != null);
    if (first) takeoff = { image: first, at: { lat: first.lat!, lon: first.lon! } };
  }
  const flight = site.flightId != null ? await store.flights.get(site.flightId) : null;
  return { site, flightName: flight?.name ?? null, task: await store.field.get(site.id), map, mapCaption, crop, nearest, takeoff };
}

/** The label/value lines of a sheet, and the case band the aerial estimate points to (null without one). */
export function sheetFacts(site: Site): { rows: [string, string][]; band: ReturnType<typeof caseBand> | null } {
  const gcj = toGcj02(site);
  const est = siteEstimates(site);
  const rows: [string, string][] = [
    ['WGS-84 (GPS) decimal 十进制', decimal(site)],
    ['WGS-84 (GPS) DMS 度分秒', dms(site)],
    ['GCJ-02 (高德/百度 AutoNavi, Baidu) decimal', decimal(gcj)],
    ['GCJ-02 DMS 度分秒', dms(gcj)],
    ['Error radius 误差半径', `±${site.errorRadiusM.toFixed(1)} m`],
    ['Estimated area 估计面积', est.areaM2 != null ? `${Math.round(est.areaM2)} m² (${(est.areaM2 / 666.7).toFixed(2)} 亩)` : 'not estimated 未估算'],
    ['Estimated flower count 估计花朵数', est.estimatedHeads != null ? `${Math.round(est.estimatedHeads)} (visible flowers 可见花朵)` : 'not estimated 未估算'],
    ['Model 模型', `score 分数 ${site.score.toFixed(3)}${site.topLabel ? ` · ${site.topLabel}` : ''} · ${site.frames} frame(s) 帧`],
  ];
  return { rows, band: est.estimatedHeads != null ? caseBand(est.estimatedHeads) : null };
}

const fmtM = (m: number) => (m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${Math.round(m)} m`);

function route(label: string, from: LatLon, site: LatLon): string {
  const d = distanceBearing(from, site);
  return `${label}: ${decimal(from)} → ${fmtM(d.distanceM)} ${d.compass} (${Math.round(d.bearingDeg)}°) 方位${d.compassZh}`;
}

/**
 * A printable task sheet, one A4 page per site, in English and Chinese: the flight's own frame with the site
 * ringed, the crop, WGS-84 and GCJ-02 coordinates (DMS and decimal), error radius, estimates with the case bands,
 * how to get there, and a box for the count and signatures.
 */
export async function renderTaskSheets(store: Store, sites: Site[], font: { path: string; family?: string }): Promise<Buffer> {
  const sheets: Sheet[] = [];
  for (const s of sites) sheets.push(await gatherSheet(store, s));
  const doc = new PDFDocument({ size: 'A4', margin: 36, autoFirstPage: false, info: { Title: 'PoppyWatch field task sheets', Creator: 'PoppyWatch' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.family);
  const generated = new Date().toISOString().slice(0, 16).replace('T', ' ');
  sheets.forEach((sh, i) => renderPage(doc, sh, i + 1, sheets.length, generated));
  doc.end();
  return done;
}

function renderPage(doc: PDFKit.PDFDocument, sh: Sheet, page: number, pages: number, generated: string): void {
  const { site, task } = sh;
  doc.addPage();
  doc.font('cjk');
  const left = 36;
  const width = doc.page.width - 72;
  doc.fontSize(16).fillColor('#000').text(`外勤任务单 Field task sheet — 站点 Site #${site.id}`, left, 36, { width });
  doc.fontSize(8).fillColor('#555').text(`PoppyWatch · ${generated} UTC · ${page}/${pages}`, left, 40, { width, align: 'right' });
  doc.fontSize(9.5).fillColor('#000');
  doc.y = 62;
  const assigned = task?.assignee ? `${task.assignee}${task.dueDate ? `, due 期限 ${task.dueDate}` : ''} (${task.state})` : 'not assigned 未分派';
  doc.text(`Flight 航次: ${sh.flightName ?? (site.source === 'phone' ? 'phone snap 手机拍照' : '—')} · Assigned to 负责人: ${assigned}`, { width });

  // Images: map extract from the flight's own frame, and the crop.
  const top = doc.y + 6;
  const mapW = 340;
  const imgH = 230;
  if (sh.map) doc.image(sh.map, left, top, { fit: [mapW, imgH] });
  else doc.rect(left, top, mapW, imgH).stroke('#999');
  if (sh.crop) doc.image(sh.crop, left + mapW + 12, top, { fit: [width - mapW - 12, imgH] });
  doc.fontSize(7.5).fillColor('#444').text(`Map extract 位置图: ${sh.mapCaption}`, left, top + imgH + 3, { width: mapW });
  doc.text('Crop 细节图 (model detection 模型检出)', left + mapW + 12, top + imgH + 3, { width: width - mapW - 12 });

  const { rows, band } = sheetFacts(site);
  let y = top + imgH + 26;
  doc.fontSize(9.5).fillColor('#000');
  for (const [k, v] of rows) {
    doc.font('cjk').fillColor('#444').text(k, left, y, { width: 200 });
    doc.fillColor('#000').text(v, left + 205, y, { width: width - 205 });
    y = Math.max(doc.y, y + 13);
  }

  // Case bands next to the counts: an estimate from visible flowers, the count on site decides.
  y += 4;
  doc.fontSize(9).fillColor('#000').text('Case bands 立案标准 — estimated from visible flowers, count on site 按可见花朵估算，以现场清点为准:', left, y, { width });
  for (const b of CASE_BANDS) {
    const mark = band === b.band ? '→ ' : '   ';
    doc.fontSize(8.5).fillColor(band === b.band ? '#b00020' : '#333').text(`${mark}${b.en} · ${b.zh}`, left + 8, doc.y + 1, { width: width - 8 });
  }

  // How to get there.
  doc.moveDown(0.4).fontSize(9.5).fillColor('#000').text('How to get there 前往路线:', left, doc.y, { width });
  doc.fontSize(8.5).fillColor('#333');
  if (sh.nearest) doc.text(route(`Nearest frame photo position 最近航拍点 (${sh.nearest.image.name})`, sh.nearest.at, site), { width });
  if (sh.takeoff) doc.text(route(`Flight's first frame, near take-off 起飞点附近首帧 (${sh.takeoff.image.name})`, sh.takeoff.at, site), { width });
  if (!sh.nearest && !sh.takeoff) doc.text('No frame position known; navigate to the coordinates above. 无航拍位置，请按上方坐标导航。', { width });

  // The field record: count, outcome, signatures.
  const boxTop = Math.max(doc.y + 10, doc.page.height - 36 - 150);
  const boxH = doc.page.height - 36 - boxTop;
  doc.rect(left, boxTop, width, boxH).lineWidth(1).stroke('#000');
  doc.fontSize(10).fillColor('#000').text('Field record 现场记录', left + 8, boxTop + 6);
  const lines = [
    'Plants counted 实际清点株数: ______________    Area 面积: ________ m²',
    'Outcome 结果:  □ eradicated 已铲除   □ not found 未找到   □ not poppy 非罂粟 (species 品种: ____________)',
    'Date & time 日期时间: ____________________    Photos taken 已拍照: □',
    'Officer 执法人员 (signature 签名): ____________________    Witness 见证人: ____________________',
  ];
  let ly = boxTop + 26;
  for (const l of lines) {
    doc.fontSize(9).text(l, left + 8, ly, { width: width - 16 });
    ly += Math.max(24, (boxH - 30) / lines.length);
  }
}
