export type Verdict = 'poppy' | 'not_poppy' | 'uncertain';
export type LocationSource = 'exif' | 'device' | 'manual';

export interface SnapLookalike {
  label: string;
  score: number;
  en: string;
  zh: string;
  poppy: boolean;
}

/** POST /api/snaps answer (server/src/snap/submitSnap.ts SnapAnswer). */
export interface SnapAnswer {
  id: number;
  verdict: Verdict;
  poppyScore: number;
  reasons: string[];
  top: SnapLookalike[];
  advice: string[];
  thresholds: { poppy: number; uncertainLow: number };
  location: { lat: number; lon: number; source: LocationSource; accuracyM: number | null };
  siteId: number;
  imageId: number;
  note: string | null;
  model: { name: string; version: string };
  createdAt: string;
}

/** Where the phone says the snap was taken (the photo's own EXIF GPS, if any, wins on the server). */
export interface SentPosition {
  lat: number;
  lon: number;
  accuracyM: number | null;
  source: 'device' | 'manual';
}
