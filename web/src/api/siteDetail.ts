// GET /api/sites/:id → SiteDetail. The server answers "site + detections[] + history[]"; this accepts the
// plain-object and GeoJSON-feature forms of the site and a few field spellings, so the view has one shape.
import type { DetectionView, HistoryEntry, LabelScore, SiteDetail, SiteProps } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const pick = (o: Obj, ...keys: string[]): unknown => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null);

/** A site from the API: a GeoJSON feature, `{site: ...}`, or flat props. */
export function siteProps(raw: unknown): SiteProps {
  let o: Obj = isObj(raw) ? raw : {};
  if (isObj(o.site)) o = o.site;
  if (isObj(o.properties)) o = { ...o, ...o.properties };
  return o as unknown as SiteProps;
}

export function siteLatLon(raw: unknown): { lat: number; lon: number } {
  let o: Obj = isObj(raw) ? raw : {};
  if (isObj(o.site)) o = o.site;
  const geom = isObj(o.geometry) ? o.geometry : null;
  if (geom && Array.isArray(geom.coordinates)) {
    const [lon, lat] = geom.coordinates as number[];
    return { lat, lon };
  }
  return { lat: num(pick(o, 'lat', 'latitude')) ?? NaN, lon: num(pick(o, 'lon', 'lng', 'longitude')) ?? NaN };
}

function labels(v: unknown): LabelScore[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter(isObj)
    .map((l) => ({ label: String(pick(l, 'label', 'id') ?? ''), score: num(pick(l, 'score', 'p')) ?? 0 }))
    .filter((l) => l.label);
}

function box(d: Obj): DetectionView['box'] {
  const b = pick(d, 'box', 'bbox');
  if (Array.isArray(b) && b.length === 4) {
    const [x, y, w, h] = b as number[];
    return { x, y, w, h };
  }
  if (isObj(b)) {
    const x = num(pick(b, 'x', 'left', 'x0'));
    const y = num(pick(b, 'y', 'top', 'y0'));
    const w = num(pick(b, 'w', 'width')) ?? (num(b.x1) !== null && x !== null ? (b.x1 as number) - x : null);
    const h = num(pick(b, 'h', 'height')) ?? (num(b.y1) !== null && y !== null ? (b.y1 as number) - y : null);
    if (x !== null && y !== null && w !== null && h !== null) return { x, y, w, h };
  }
  const x = num(pick(d, 'boxX', 'box_x', 'x'));
  const y = num(pick(d, 'boxY', 'box_y', 'y'));
  const w = num(pick(d, 'boxW', 'box_w', 'w', 'width'));
  const h = num(pick(d, 'boxH', 'box_h', 'h', 'height'));
  return x !== null && y !== null && w !== null && h !== null ? { x, y, w, h } : null;
}

/** The outer ring of a GeoJSON Polygon as [lon, lat] pairs; null when absent or malformed. */
function polygonRing(g: unknown): [number, number][] | null {
  if (!isObj(g) || g.type !== 'Polygon' || !Array.isArray(g.coordinates) || !Array.isArray(g.coordinates[0])) return null;
  const ring = (g.coordinates[0] as unknown[]).filter((p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number');
  return ring.length >= 4 ? ring.map(([x, y]) => [x, y]) : null;
}

function detection(raw: unknown): DetectionView {
  let d: Obj = isObj(raw) ? raw : {};
  if (isObj(d.properties)) d = { ...d, ...d.properties };
  const image = isObj(d.image) ? d.image : {};
  return {
    id: d.id as DetectionView['id'],
    imageId: (pick(d, 'imageId', 'frameId', 'image_id') ?? image.id ?? null) as DetectionView['imageId'],
    score: num(d.score) ?? 0,
    box: box(d),
    imageWidth: num(pick(d, 'imageWidth', 'frameWidth', 'width_px')) ?? num(pick(image, 'width', 'imageWidth')),
    imageHeight: num(pick(d, 'imageHeight', 'frameHeight', 'height_px')) ?? num(pick(image, 'height', 'imageHeight')),
    top: labels(pick(d, 'top', 'labels', 'topLabels')),
    modelVersion: str(d.modelVersion),
    capturedAt: str(pick(d, 'capturedAt', 'takenAt', 'seenAt', 'time')) ?? str(pick(image, 'capturedAt', 'takenAt')),
    orientation: num(pick(d, 'orientation')) ?? num(image.orientation),
    imageName: str(pick(d, 'imageName', 'fileName', 'name')) ?? str(image.name),
    footprint: polygonRing(image.footprint),
    cropUrl: str(d.cropUrl) ?? `/api/detections/${String(d.id)}/crop`,
  };
}

function historyEntry(raw: unknown): HistoryEntry {
  const h: Obj = isObj(raw) ? raw : {};
  return {
    at: String(pick(h, 'at', 'createdAt', 'time') ?? ''),
    user: str(pick(h, 'username', 'user', 'userName')) ?? (isObj(h.user) ? str(h.user.username) : null),
    decision: String(pick(h, 'decision', 'after', 'status') ?? ''),
    from: str(pick(h, 'from', 'before', 'previous')),
    note: str(h.note),
  };
}

/** A phone site's photo is stored as an image; its preview is right way up. */
function phonePhoto(site: SiteProps, snap: Obj, detections: DetectionView[]): string | null {
  if (site.source !== 'phone') return null;
  const imageId = snap.imageId ?? detections[0]?.imageId;
  return imageId != null ? `/api/images/${imageId}/preview` : null;
}

export function normaliseSiteDetail(raw: unknown): SiteDetail {
  const o: Obj = isObj(raw) ? raw : {};
  const site = siteProps(raw);
  const { lat, lon } = siteLatLon(raw);
  const detections = (Array.isArray(o.detections) ? o.detections : []).map(detection);
  detections.sort((a, b) => b.score - a.score);
  const snaps = Array.isArray(o.snaps) ? o.snaps.filter(isObj) : [];
  const snap: Obj = isObj(o.snap) ? o.snap : (snaps[0] ?? {});
  const siteObj = isObj(o.site) ? o.site : o;
  const top = labels(pick(siteObj, 'top', 'labels', 'topLabels') ?? pick(o, 'top', 'labels'));
  return {
    site,
    lat,
    lon,
    detections,
    history: (Array.isArray(o.history) ? o.history : []).map(historyEntry),
    top: top.length ? top : (detections[0]?.top ?? []),
    photoUrl: str(pick(o, 'photoUrl') ?? snap.photoUrl) ?? phonePhoto(site, snap, detections),
    // the officer's note lives with the snap; the site's own note is the reviewer's
    snapNote: str(snap.note),
    flightName: str(pick(o, 'flightName') ?? (isObj(o.flight) ? o.flight.name : null)),
    outline: polygonRing(pick(siteObj, 'outline') ?? (isObj(siteObj.properties) ? siteObj.properties.outline : null)),
  };
}
