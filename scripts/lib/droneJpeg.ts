/**
 * Writes a JPEG that carries what a DJI camera writes (EXIF GPS and focal length, DJI XMP relative altitude and
 * gimbal angles), so that frames made by our scripts go through the pipeline's own metadata → camera path.
 */
import sharp from 'sharp';

export interface DroneShot {
  lat: number;
  lon: number;
  relativeAltitudeM: number;
  gimbalYawDeg: number;
  gimbalPitchDeg?: number;
  takenAt: string;
  make: string;
  model: string;
  focalMm: number;
  groundElevationM?: number;
  /** local wall-clock offset from UTC, hours (cameras write local time without a zone) */
  utcOffsetH?: number;
}

/** Decimal degrees → EXIF rational "d/1 m/1 s/1000000". */
export function dms(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 1e6);
  return `${d}/1 ${m}/1 ${s}/1000000`;
}

const signed = (v: number, digits = 2) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
const yaw180 = (v: number) => ((((v + 180) % 360) + 360) % 360) - 180; // DJI writes yaw in −180..180

export function djiXmp(s: DroneShot): string {
  const ground = s.groundElevationM ?? 0;
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description rdf:about="DJI Meta Data" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" ` +
    `drone-dji:AbsoluteAltitude="${signed(ground + s.relativeAltitudeM)}" ` +
    `drone-dji:RelativeAltitude="${signed(s.relativeAltitudeM)}" ` +
    `drone-dji:GimbalRollDegree="+0.00" drone-dji:GimbalYawDegree="${signed(yaw180(s.gimbalYawDeg))}" ` +
    `drone-dji:GimbalPitchDegree="${signed(s.gimbalPitchDeg ?? -90)}" drone-dji:FlightRollDegree="+0.00" ` +
    `drone-dji:FlightYawDegree="${signed(yaw180(s.gimbalYawDeg))}" drone-dji:FlightPitchDegree="+0.00"/>` +
    `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  );
}

/** Encodes an image (anything sharp reads, or raw RGB with `raw`) as a geotagged drone JPEG. */
export async function droneJpeg(
  input: Buffer | string,
  shot: DroneShot,
  opts: { quality?: number; raw?: { width: number; height: number; channels: 3 } } = {},
): Promise<Buffer> {
  const local = new Date(Date.parse(shot.takenAt) + (shot.utcOffsetH ?? 0) * 3600_000).toISOString().slice(0, 19);
  const exifTime = local.replace('T', ' ').replace(/-/g, ':');
  const utc = new Date(shot.takenAt);
  const ground = shot.groundElevationM ?? 0;
  return sharp(input, opts.raw ? { raw: opts.raw } : {})
    .withExif({
      IFD0: { Make: shot.make, Model: shot.model, Software: 'PoppyWatch', DateTime: exifTime },
      IFD2: { DateTimeOriginal: exifTime, DateTimeDigitized: exifTime, FocalLength: `${Math.round(shot.focalMm * 100)}/100` },
      IFD3: {
        GPSLatitudeRef: shot.lat >= 0 ? 'N' : 'S',
        GPSLatitude: dms(shot.lat),
        GPSLongitudeRef: shot.lon >= 0 ? 'E' : 'W',
        GPSLongitude: dms(shot.lon),
        GPSAltitudeRef: '0',
        GPSAltitude: `${Math.round((ground + shot.relativeAltitudeM) * 1000)}/1000`,
        GPSTimeStamp: `${utc.getUTCHours()}/1 ${utc.getUTCMinutes()}/1 ${utc.getUTCSeconds()}/1`,
        GPSDateStamp: shot.takenAt.slice(0, 10).replace(/-/g, ':'),
        GPSMapDatum: 'WGS-84',
      },
    })
    .withXmp(djiXmp(shot))
    .jpeg({ quality: opts.quality ?? 92 })
    .toBuffer();
}

/** DJI Phantom 3 camera (FC300S, 6.17 mm sensor in the pipeline's table): the height that gives `gsd` cm/px. */
export const FC300S = { make: 'DJI', model: 'FC300S', focalMm: 3.61, sensorWidthMm: 6.17 };
export function heightForGsd(gsdCmPerPx: number, imageWidthPx: number, cam = FC300S): number {
  return (gsdCmPerPx / 100) * cam.focalMm * imageWidthPx / cam.sensorWidthMm;
}
