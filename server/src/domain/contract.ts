/**
 * The typed API contract: the shapes of the HTTP answers the web app reads (docs/architecture.md, HTTP API).
 * Types only, importing nothing but domain/vocabulary.ts, so web/src imports it with `import type` and the server
 * code that builds the answers is checked against the same types (http/geojson.ts, http/routes/sites.ts,
 * http/routes/flights.ts, snap/submitSnap.ts).
 */
import type {
  AdviceCode,
  FlightStatus,
  GeoJsonPolygon,
  ImageStatus,
  LabelScore,
  LocationSource,
  SiteSource,
  SiteStatus,
  Verdict,
  VerdictReason,
} from './vocabulary.js';

export type * from './vocabulary.js';

/** Properties of a site feature (GET /api/sites) and the top level of a site detail. */
export interface SiteProperties {
  id: number;
  score: number;
  status: SiteStatus;
  errorRadiusM: number;
  frames: number;
  modelVersion: string | null;
  flightId: number | null;
  source: SiteSource;
  topLabel: string | null;
  firstSeenAt: string;
  /** increments on every review; send it back as baseVersion */
  version: number;
  /** the reviewer's note (a snap's officer note is on the snap) */
  note: string | null;
  bestDetectionId: number | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  /** aerial plots: the largest view of the plot any frame had (null for phone snaps and old models) */
  areaM2: number | null;
  estimatedHeads: number | null;
  outline: GeoJsonPolygon | null;
}

export interface SiteFeature {
  type: 'Feature';
  id: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: SiteProperties;
}

/** GET /api/sites */
export interface SiteCollection {
  type: 'FeatureCollection';
  features: SiteFeature[];
  counts: Record<SiteStatus, number>;
}

/** A frame as a site detail shows it with its detection. */
export interface DetectionImage {
  id: number;
  name: string;
  takenAt: string | null;
  width: number | null;
  height: number | null;
  /** EXIF orientation: boxes are in stored (unrotated) pixels, previews are right way up */
  orientation: number | null;
  /** ground under the stored pixel corners TL, TR, BR, BL (precisely placed frames only) */
  footprint: GeoJsonPolygon | null;
}

/** A detection as stored (store/types.ts re-exports it): one plot or snap seen in one image. */
export interface Detection {
  id: number;
  imageId: number;
  /** null for a phone snap */
  flightId: number | null;
  siteId: number | null;
  box: { x: number; y: number; w: number; h: number };
  score: number;
  lat: number | null;
  lon: number | null;
  errorRadiusM: number | null;
  top: LabelScore[];
  modelVersion: string;
  status: SiteStatus;
  seenAt: string | null;
  createdAt: string;
  /** aerial plots: ground area, estimated visible flower heads, outline on the ground */
  areaM2: number | null;
  estimatedHeads: number | null;
  outline: GeoJsonPolygon | null;
}

export interface SiteDetection extends Detection {
  image: DetectionImage | null;
  /** versioned by the server: a reprocessed flight's new detection may get a deleted one's id */
  cropUrl: string;
  previewUrl: string;
}

export interface SnapLocation {
  lat: number;
  lon: number;
  source: LocationSource;
  /** horizontal accuracy in metres, null when nobody said */
  accuracyM: number | null;
}

/** Where the phone says a snap was taken (POST /api/snaps lat, lon, accuracyM, locationSource); the photo's own EXIF GPS wins. */
export interface SentPosition {
  lat: number;
  lon: number;
  accuracyM: number | null;
  source: 'device' | 'manual';
}

/** A snap of a phone site, as the site detail lists it. */
export interface SiteSnap {
  id: number;
  imageId: number | null;
  verdict: Verdict;
  poppyScore: number;
  /** the officer's note */
  note: string | null;
  username: string;
  location: SnapLocation;
  takenAt: string | null;
  createdAt: string;
  photoUrl: string | null;
}

/** One decision in a site's history. */
export interface ReviewEntry {
  id: number;
  siteId: number;
  userId: string | null;
  username: string | null;
  at: string;
  before: SiteStatus;
  after: SiteStatus;
  note: string | null;
  version: number;
}

/** GET /api/sites/:id, the 200 of a review and the `current` of its 409. */
export interface SiteDetail extends SiteProperties {
  lat: number;
  lon: number;
  flight: { id: number; name: string } | null;
  detections: SiteDetection[];
  snaps: SiteSnap[];
  history: ReviewEntry[];
}

/** What the flight could see in one frame (server/src/coverage/). */
export interface FrameCoverage {
  heightAboveGroundM: number | null;
  gsdCmPerPx: number | null;
  areaHa: number | null;
  /** degrees away from straight down; null when the pitch is unknown */
  offNadirDeg: number | null;
  yawDeg: number | null;
  precise: boolean;
  /** why the frame is imprecise or unlocated; null when it was placed through the camera model */
  reason: string | null;
  /** the kind of reason, stable for translation: unlocated, oblique, unknown_attitude, unscaled, failed, not_placed */
  reasonCode: string | null;
}

/** What a whole flight could see (server/src/coverage/flightCoverage). */
export interface FlightCoverage {
  frames: number;
  processed: number;
  precise: number;
  imprecise: number;
  unlocated: number;
  /** median over the frames that know it */
  heightAboveGroundM: number | null;
  gsdCmPerPx: number | null;
  /** coarsest ground resolution among the frames (the worst the model saw) */
  maxGsdCmPerPx: number | null;
  /** sum of the precisely placed footprints (overlap counted once per frame) */
  areaHa: number;
}

/** GET /api/flights/:id/images (each of `images`) */
export interface FrameSummary {
  id: number;
  flightId: number | null;
  name: string;
  sha256: string;
  sizeBytes: number;
  mime: string;
  status: ImageStatus;
  error: string | null;
  uploadedAt: string;
  processedAt: string | null;
  takenAt: string | null;
  width: number | null;
  height: number | null;
  lat: number | null;
  lon: number | null;
  located: boolean | null;
  unlocatedReason: string | null;
  detections: number;
  timings: Record<string, number> | null;
  coverage: FrameCoverage;
}

/** A close-up label shown with a snap verdict. */
export interface NamedScore extends LabelScore {
  en: string;
  zh: string;
  /** counts towards the poppy score */
  poppy: boolean;
}

export interface SnapVerdict {
  verdict: Verdict;
  poppyScore: number;
  reasons: VerdictReason[];
  /** the closest labels (close-up species only), best first, with English and Chinese names */
  top: NamedScore[];
  advice: AdviceCode[];
  thresholds: { poppy: number; uncertainLow: number };
}

/** POST /api/snaps: 201 (or 200 with Idempotent-Replayed: true) */
export interface SnapAnswer extends SnapVerdict {
  id: number;
  location: SnapLocation;
  siteId: number;
  imageId: number;
  detectionId: number;
  note: string | null;
  photo: { sha256: string; width: number; height: number; type: 'jpeg' | 'png' | 'tiff' | 'webp' | 'heic' | 'avif' | 'unknown' };
  model: { name: string; version: string };
  createdAt: string;
}

/** GET /api/flights, /api/flights/:id */
export interface Flight {
  id: number;
  name: string;
  status: FlightStatus;
  createdAt: string;
  createdBy: string | null;
  altitudeAglM: number | null;
  groundElevationM: number | null;
  sensorWidthMm: number | null;
  isDemo: boolean;
  images: { total: number; processed: number; failed: number; pending: number };
  sites: number;
  detections: number;
  /** seconds until the queued frames of this flight are done; null when nothing is pending */
  etaS: number | null;
}

/** One audit record (GET /api/audit; store/audit.ts). */
export interface AuditRecord {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  action: string;
  siteId: number | null;
  flightId: number | null;
  imageId: number | null;
  before: unknown;
  after: unknown;
  details: unknown;
  ip: string | null;
}

export type VisibilityLevel = 'good' | 'marginal' | 'too_coarse' | 'unknown';

/** Whether a flight's ground resolution lets the model see a flower head (coverage/visibility.ts). */
export interface Visibility {
  level: VisibilityLevel;
  /** ground resolution the verdict is about (the flight's median) */
  gsdCmPerPx: number | null;
  flowerCm: number;
  /** pixels across a flower head at that resolution */
  flowerPx: number | null;
  /** the resolution the model was trained at; frames are resampled to it */
  modelGsdCmPerPx: number;
  /** height above ground at which this camera reaches the model's resolution; null when unknown */
  flyBelowM: number | null;
  /** the same sentence in English (the web builds its own in the user's language from the fields) */
  message: string;
}

/** Recall, false sites and precision of an aerial head over labelled groups (learning/headScore.ts, Models page). */
export interface HeadFigures {
  positives: number;
  negatives: number;
  found: number;
  falseSites: number;
  recall: number | null;
  precision: number | null;
}

/** GET /api/stats/season (field/seasonFigures.ts). */
export interface SeasonFilters {
  /** ISO date-times, inclusive */
  from?: string;
  to?: string;
  flightId?: number;
}

export interface SeasonCounts {
  sitesFound: number;
  sitesConfirmed: number;
  sitesEradicated: number;
  plantsEradicated: number;
  areaFlownM2: number;
}

export interface WeekFigures extends SeasonCounts {
  /** ISO week, e.g. 2026-W14 */
  week: string;
  /** its Monday, YYYY-MM-DD */
  weekStart: string;
}

export interface FlightFigures extends SeasonCounts {
  /** null: phone snaps (no flight) */
  flightId: number | null;
  flightName: string | null;
}

export interface SeasonFigures {
  filters: SeasonFilters;
  totals: SeasonCounts;
  byWeek: WeekFigures[];
  byFlight: FlightFigures[];
}
