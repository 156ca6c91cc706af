/**
 * Sensor widths (long side, mm) of common drone cameras, keyed by the EXIF Model string they write.
 * Sources: the manufacturers' published specifications (sensor format) and the usual optical-format sizes
 * (1/2.3" = 6.17 × 4.55 mm, 1/2" = 6.4 × 4.8 mm, 1/1.3" = 9.7 × 7.3 mm, 1" = 13.2 × 8.8 mm,
 * 4/3 = 17.3 × 13.0 mm, full frame = 35.9 × 24.0 mm).
 */
export interface SensorEntry {
  widthMm: number;
  camera: string;
}

export const SENSOR_TABLE: Record<string, SensorEntry> = {
  FC300S: { widthMm: 6.17, camera: 'DJI Phantom 3 Advanced, 1/2.3" CMOS' },
  FC300X: { widthMm: 6.17, camera: 'DJI Phantom 3 Professional, 1/2.3" CMOS' },
  FC300C: { widthMm: 6.17, camera: 'DJI Phantom 3 Standard, 1/2.3" CMOS' },
  FC300SE: { widthMm: 6.17, camera: 'DJI Phantom 3 SE, 1/2.3" CMOS' },
  FC330: { widthMm: 6.17, camera: 'DJI Phantom 4, 1/2.3" CMOS' },
  FC6310: { widthMm: 13.2, camera: 'DJI Phantom 4 Pro / Advanced, 1" CMOS' },
  FC6310S: { widthMm: 13.2, camera: 'DJI Phantom 4 Pro V2.0, 1" CMOS' },
  FC6310R: { widthMm: 13.2, camera: 'DJI Phantom 4 RTK, 1" CMOS' },
  FC220: { widthMm: 6.17, camera: 'DJI Mavic Pro, 1/2.3" CMOS' },
  FC2103: { widthMm: 6.17, camera: 'DJI Mavic Air, 1/2.3" CMOS' },
  FC2204: { widthMm: 6.17, camera: 'DJI Mavic 2 Zoom, 1/2.3" CMOS' },
  'L1D-20c': { widthMm: 13.2, camera: 'DJI Mavic 2 Pro (Hasselblad), 1" CMOS' },
  FC2403: { widthMm: 6.17, camera: 'DJI Mavic 2 Enterprise, 1/2.3" CMOS' },
  FC3170: { widthMm: 6.4, camera: 'DJI Mavic Air 2, 1/2" CMOS' },
  FC3411: { widthMm: 13.2, camera: 'DJI Air 2S, 1" CMOS' },
  FC7203: { widthMm: 6.17, camera: 'DJI Mavic Mini, 1/2.3" CMOS' },
  FC7303: { widthMm: 6.17, camera: 'DJI Mini 2, 1/2.3" CMOS' },
  FC3582: { widthMm: 9.7, camera: 'DJI Mini 3 Pro, 1/1.3" CMOS' },
  'L2D-20c': { widthMm: 17.3, camera: 'DJI Mavic 3 / Mavic 3 Classic (Hasselblad), 4/3 CMOS' },
  M3E: { widthMm: 17.3, camera: 'DJI Mavic 3 Enterprise wide camera, 4/3 CMOS' },
  M3M: { widthMm: 17.3, camera: 'DJI Mavic 3 Multispectral RGB camera, 4/3 CMOS' },
  FC6520: { widthMm: 17.3, camera: 'DJI Zenmuse X5S (Inspire 2), 4/3 CMOS' },
  ZenmuseP1: { widthMm: 35.9, camera: 'DJI Zenmuse P1, full-frame CMOS' },
  'Canon PowerShot SX260 HS': { widthMm: 6.17, camera: 'Canon PowerShot SX260 HS, 1/2.3" CMOS' },
};

/** Table look-up by EXIF Model (exact, then case-insensitive without spaces). */
export function lookupSensor(model: string | null): SensorEntry | null {
  if (!model) return null;
  const exact = SENSOR_TABLE[model.trim()];
  if (exact) return exact;
  const key = model.replace(/\s+/g, '').toLowerCase();
  for (const [name, entry] of Object.entries(SENSOR_TABLE)) {
    if (name.replace(/\s+/g, '').toLowerCase() === key) return entry;
  }
  return null;
}
