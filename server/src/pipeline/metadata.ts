import exifr from 'exifr';
import sharp from 'sharp';
import { positionProblem } from '../domain/position.js';

export interface GpsFix {
  lat: number;
  lon: number;
  /** GPS altitude in metres (above sea level, or below when the EXIF ref says so); null when absent */
  altitudeM: number | null;
}

export interface Attitude {
  yawDeg: number | null;
  pitchDeg: number | null;
  rollDeg: number | null;
}

/** What the file says about where and how it was taken. Pixel sizes are as stored (before EXIF orientation). */
export interface FrameMetadata {
  width: number;
  height: number;
  /** EXIF orientation 1..8 (1 when absent) */
  orientation: number;
  make: string | null;
  model: string | null;
  focalLengthMm: number | null;
  focalLength35mm: number | null;
  /** sensor width implied by EXIF FocalPlaneXResolution × image width, when the camera writes it */
  focalPlaneSensorWidthMm: number | null;
  /** camera wall-clock time, ISO without zone (EXIF has none) */
  takenAtLocal: string | null;
  /** UTC time from the GPS date/time stamps, when present */
  takenAtUtc: string | null;
  gps: GpsFix | null;
  /** why gps is null: absent, or present but unusable */
  gpsReason: string | null;
  /** DJI XMP: height above the take-off point */
  relativeAltitudeM: number | null;
  /** DJI XMP: altitude above sea level */
  absoluteAltitudeM: number | null;
  gimbal: Attitude;
  flight: Attitude;
}

const EXIFR_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: true,
  ifd1: false,
  interop: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
} as const;

type Raw = Record<string, unknown>;

function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function str(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.replace(/\0/g, '').trim();
  return s === '' ? null : s;
}

/** "2016:06:23 16:31:59" → "2016-06-23T16:31:59" (no zone: EXIF stores camera wall-clock time). */
function exifDate(value: unknown): string | null {
  const s = str(value);
  const m = s?.match(/^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  if (m[1] === '0000') return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

function gpsUtc(raw: Raw): string | null {
  const date = str(raw.GPSDateStamp)?.match(/^(\d{4})[:-](\d{2})[:-](\d{2})$/);
  const time = raw.GPSTimeStamp;
  if (!date || !Array.isArray(time) || time.length !== 3) return null;
  const [h, m, s] = time.map(Number);
  if (![h, m, s].every(Number.isFinite)) return null;
  const iso = `${date[1]}-${date[2]}-${date[3]}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(Math.floor(s)).padStart(2, '0')}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

function readGps(raw: Raw): { gps: GpsFix | null; reason: string | null } {
  const lat = num(raw.latitude);
  const lon = num(raw.longitude);
  if (raw.GPSLatitude === undefined && raw.GPSLongitude === undefined && lat === null && lon === null) {
    return { gps: null, reason: 'no GPS position in EXIF' };
  }
  if (lat === null || lon === null) return { gps: null, reason: 'GPS position in EXIF is incomplete or not a number' };
  const problem = positionProblem(lat, lon);
  if (problem) return { gps: null, reason: problem };
  let altitudeM = num(raw.GPSAltitude);
  const ref = raw.GPSAltitudeRef;
  const below = ref instanceof Uint8Array ? ref[0] === 1 : num(ref) === 1;
  if (altitudeM !== null && below) altitudeM = -altitudeM;
  return { gps: { lat, lon, altitudeM }, reason: null };
}

function sensorWidthFromFocalPlane(raw: Raw, imageWidth: number): number | null {
  const res = num(raw.FocalPlaneXResolution);
  const unit = num(raw.FocalPlaneResolutionUnit) ?? 2;
  const exifW = num(raw.ExifImageWidth);
  const exifH = num(raw.ExifImageHeight);
  // FocalPlaneXResolution is per pixel along the sensor's long side.
  const exifWidth = exifW !== null && exifH !== null ? Math.max(exifW, exifH) : imageWidth;
  if (res === null || res <= 0) return null;
  const mmPerUnit = unit === 3 ? 10 : unit === 4 ? 1 : unit === 5 ? 0.001 : 25.4; // 2 = inch (EXIF default)
  const width = (exifWidth / res) * mmPerUnit;
  // Physical sensors of cameras that fly: 1/3.2" (4.5 mm) up to medium format (~44 mm); anything else is garbage.
  return width >= 2 && width <= 60 ? width : null;
}

function attitude(raw: Raw, prefix: 'Gimbal' | 'Flight'): Attitude {
  return {
    yawDeg: num(raw[`${prefix}YawDegree`]),
    pitchDeg: num(raw[`${prefix}PitchDegree`]),
    rollDeg: num(raw[`${prefix}RollDegree`]),
  };
}

/** Reads EXIF, GPS and DJI XMP of a photo. Pixel size comes from the decoder header (EXIF sizes lie after edits). */
export async function readMetadata(input: string | Buffer): Promise<FrameMetadata> {
  const header = await sharp(input).metadata();
  if (!header.width || !header.height) throw new Error('not a decodable image: no pixel size');
  let raw: Raw = {};
  try {
    raw = ((await exifr.parse(input, EXIFR_OPTIONS)) as Raw | undefined) ?? {};
  } catch {
    raw = {}; // unreadable metadata blocks: the frame is still an image, just without metadata
  }
  const { gps, reason } = readGps(raw);
  const focalLengthMm = num(raw.FocalLength);
  const focalLength35mm = num(raw.FocalLengthIn35mmFormat);
  return {
    width: header.width,
    height: header.height,
    orientation: header.orientation ?? (num(raw.Orientation) as number | null) ?? 1,
    make: str(raw.Make),
    model: str(raw.Model),
    focalLengthMm: focalLengthMm !== null && focalLengthMm > 0 ? focalLengthMm : null,
    focalLength35mm: focalLength35mm !== null && focalLength35mm > 0 ? focalLength35mm : null,
    focalPlaneSensorWidthMm: sensorWidthFromFocalPlane(raw, Math.max(header.width, header.height)),
    takenAtLocal: exifDate(raw.DateTimeOriginal) ?? exifDate(raw.CreateDate) ?? exifDate(raw.ModifyDate),
    takenAtUtc: gpsUtc(raw),
    gps,
    gpsReason: reason,
    relativeAltitudeM: num(raw.RelativeAltitude),
    absoluteAltitudeM: num(raw.AbsoluteAltitude),
    gimbal: attitude(raw, 'Gimbal'),
    flight: attitude(raw, 'Flight'),
  };
}
