import { siteProperties } from './geojson.js';
import { stringify } from 'csv-stringify/sync';
import type { Site } from '../store/types.js';
import { csvSafe } from '../util/csvSafe.js';
import { describeSite, siteName, type ExportLang } from './exportText.js';

export interface ExportRow extends Site {
  flightName: string | null;
  /** a phone site's snap note, written by the officer (the site's own `note` is the reviewer's) */
  officerNote?: string | null;
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // characters XML 1.0 cannot carry at all
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function toGeoJson(rows: ExportRow[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: rows.map((s) => ({
      type: 'Feature',
      id: s.id,
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { ...siteProperties(s), flightName: s.flightName, officerNote: s.officerNote ?? null },
    })),
  });
}

export const CSV_COLUMNS = [
  'id', 'lat', 'lon', 'errorRadiusM', 'score', 'status', 'frames', 'source', 'flightId', 'flightName', 'topLabel',
  'modelVersion', 'firstSeenAt', 'reviewedAt', 'reviewedBy', 'note', 'areaM2', 'estimatedHeads', 'outlineWkt', 'officerNote',
] as const;

/** A GeoJSON polygon as WKT (what GIS tools read from a CSV column). */
export function polygonWkt(p: Site['outline']): string {
  if (!p) return '';
  return `POLYGON((${p.coordinates[0].map(([lon, lat]) => `${round(lon, 8)} ${round(lat, 8)}`).join(', ')}))`;
}

export function toCsv(rows: ExportRow[]): string {
  return stringify(
    rows.map((s) => [
      s.id, round(s.lat, 8), round(s.lon, 8), round(s.errorRadiusM, 2), round(s.score, 4), s.status, s.frames, s.source,
      s.flightId ?? '', csvSafe(s.flightName), csvSafe(s.topLabel), csvSafe(s.modelVersion), s.firstSeenAt,
      s.reviewedAt ?? '', csvSafe(s.reviewedBy), csvSafe(s.note), s.areaM2 ?? '', s.estimatedHeads ?? '', polygonWkt(s.outline), csvSafe(s.officerNote ?? null),
    ]),
    { header: true, columns: [...CSV_COLUMNS], bom: true, record_delimiter: 'windows' },
  );
}

export function toKml(rows: ExportRow[], title: string, lang: ExportLang = 'en'): string {
  const placemarks = rows
    .map(
      (s) => `    <Placemark id="site-${s.id}">
      <name>${xmlEscape(siteName(s, lang, true))}</name>
      <description>${xmlEscape(describeSite(s, lang))}</description>
      <styleUrl>#${s.status}</styleUrl>
      <ExtendedData>
        <Data name="score"><value>${s.score.toFixed(4)}</value></Data>
        <Data name="errorRadiusM"><value>${s.errorRadiusM.toFixed(2)}</value></Data>
        <Data name="frames"><value>${s.frames}</value></Data>
        <Data name="firstSeenAt"><value>${xmlEscape(s.firstSeenAt)}</value></Data>
        <Data name="areaM2"><value>${s.areaM2 ?? ''}</value></Data>
        <Data name="estimatedHeads"><value>${s.estimatedHeads ?? ''}</value></Data>
      </ExtendedData>
      ${kmlGeometry(s)}
    </Placemark>`,
    )
    .join('\n');
  const style = (id: string, colour: string) =>
    `    <Style id="${id}"><IconStyle><color>${colour}</color></IconStyle></Style>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>${xmlEscape(title)}</name>
${style('confirmed', 'ff0000ff')}
${style('pending', 'ff00ffff')}
${style('rejected', 'ff888888')}
${placemarks}
  </Document>
</kml>
`;
}

function kmlGeometry(s: ExportRow): string {
  const point = `<Point><coordinates>${round(s.lon, 8)},${round(s.lat, 8)},0</coordinates></Point>`;
  if (!s.outline) return point;
  const ring = s.outline.coordinates[0].map(([lon, lat]) => `${round(lon, 8)},${round(lat, 8)},0`).join(' ');
  return `<MultiGeometry>${point}<Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry>`;
}

export function toGpx(rows: ExportRow[], title: string, lang: ExportLang = 'en'): string {
  const wpts = rows
    .map(
      (s) => `  <wpt lat="${round(s.lat, 8)}" lon="${round(s.lon, 8)}">
    <time>${xmlEscape(new Date(s.firstSeenAt).toISOString())}</time>
    <name>${xmlEscape(siteName(s, lang, false))}</name>
    <desc>${xmlEscape(describeSite(s, lang))}</desc>
    <sym>Flag, Red</sym>
    <type>${xmlEscape(s.status)}</type>
  </wpt>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="PoppyWatch" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>${xmlEscape(title)}</name><time>${new Date().toISOString()}</time></metadata>
${wpts}
</gpx>
`;
}
