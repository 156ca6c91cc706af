import type { Classifier } from '../model/classifier.js';
import { closeupPixels } from '../model/preprocess.js';
import { checkImageSize } from '../images/pixelLimit.js';
import { ACCEPTED_PHOTO_TYPES, MIME, sniffPhotoType, type PhotoType } from '../images/sniff.js';
import type { Store } from '../store/index.js';
import { sha256 } from '../util/sha256.js';
import { placeSnapDetection } from '../sites/placeSnap.js';
import type { SnapAnswer } from '../domain/contract.js';
import { chooseLocation, readPhotoExif, type SentPosition, type SnapLocation } from './location.js';
import { decideVerdict } from './verdict.js';
import { modelVersionOf } from '../domain/modelVersion.js';
import { HEIC_MESSAGE, PhotoRejected } from '../images/photoRejected.js';

/** Where a site from a snap is assumed to lie when the phone did not state its accuracy. */
const DEFAULT_ACCURACY_M: Record<SnapLocation['source'], number> = { exif: 10, device: 25, manual: 50 };

export type { SnapAnswer } from '../domain/contract.js';

export interface SnapInput {
  photo: Buffer;
  fileName?: string;
  position: SentPosition | null;
  note: string | null;
  idempotencyKey: string | null;
  user: { id: number | string; username: string };
}

export interface SnapOutcome {
  answer: SnapAnswer;
  /** true when this is the stored answer of an earlier request with the same idempotency key */
  replayed: boolean;
  /** server-side milliseconds per stage (absent on replays) */
  timings?: Record<string, number>;
}

export interface SnapDeps {
  store: Store;
  classifier: Classifier;
  /** how a photo becomes model pixels; the benchmark swaps in a naive full decode */
  pixels?: (photo: Buffer, size: number) => Promise<Buffer>;
}

// Concurrent requests with one key (a phone retrying while the first attempt is still running) share one outcome.
const inFlight = new Map<string, Promise<SnapOutcome>>();

export function submitSnap(deps: SnapDeps, input: SnapInput): Promise<SnapOutcome> {
  if (!input.idempotencyKey) return runSnap(deps, input);
  const slot = `${input.user.id}\u0000${input.idempotencyKey}`;
  const running = inFlight.get(slot);
  if (running) return running.then((o) => checkSameReplay(o, input));
  const p = runSnap(deps, input).finally(() => inFlight.delete(slot));
  inFlight.set(slot, p);
  return p;
}

function checkSameReplay(o: SnapOutcome, input: SnapInput): SnapOutcome {
  if (o.answer.photo.sha256 !== sha256(input.photo)) throw reusedKey();
  return { answer: o.answer, replayed: true };
}

const reusedKey = () =>
  new PhotoRejected(
    'idempotency_key_reused',
    'This idempotency key was already used for a different photo; generate a new key for every new snap.',
  );

async function runSnap(deps: SnapDeps, input: SnapInput): Promise<SnapOutcome> {
  const t0 = performance.now();
  const { store, classifier } = deps;
  const manifest = classifier.manifest;
  const { photo } = input;
  if (!photo || photo.length === 0) throw new PhotoRejected('photo_missing', 'The photo is empty (0 bytes).');

  const type = sniffPhotoType(photo);
  if (type === 'heic' || type === 'avif') throw new PhotoRejected('heic_not_supported', HEIC_MESSAGE);
  if (!ACCEPTED_PHOTO_TYPES.includes(type)) {
    throw new PhotoRejected(
      'unsupported_photo_type',
      'The file is not a JPEG, PNG or WebP photo (judged by its content, not its name). Send the photo as JPEG.',
    );
  }

  const digest = sha256(photo);
  const userId = String(input.user.id);
  if (input.idempotencyKey) {
    const earlier = await store.snaps.findByIdempotencyKey(userId, input.idempotencyKey);
    if (earlier) {
      if (earlier.sha256 !== digest) throw reusedKey();
      return { answer: earlier.answer as SnapAnswer, replayed: true };
    }
  }

  // Header only: a decompression bomb is answered with a clear 413 before any pixel is decoded.
  const [meta, exif] = await Promise.all([checkImageSize(photo, 'photo'), readPhotoExif(photo)]);
  if (!meta.ok && meta.code === 'image_too_large') throw new PhotoRejected('photo_too_large', meta.reason);
  if (!meta.ok) throw new PhotoRejected('unreadable_photo', `The ${type.toUpperCase()} photo cannot be read; it may be truncated or damaged.`);

  const location = chooseLocation(exif, input.position);
  if (!location) {
    throw new PhotoRejected(
      'location_required',
      'The photo has no GPS position in its EXIF data; send lat and lon (from the phone) or place a pin on the map.',
    );
  }
  const tRead = performance.now();

  // Decode with shrink-on-load (closeupPixels), classify, and keep the original, overlapping the disk write.
  const saving = store.blobs.keepOriginal(digest, { bytes: photo });
  saving.catch(() => undefined); // awaited below; this only stops an early throw from leaving it unhandled
  const decode = deps.pixels ?? closeupPixels;
  let pixels: Buffer;
  try {
    pixels = await decode(photo, manifest.input.size);
  } catch (err) {
    await saving.catch(() => undefined);
    if (!(await store.images.isShaReferenced(digest))) await store.blobs.removeOriginal(digest);
    throw new PhotoRejected('unreadable_photo', `The photo cannot be decoded: ${(err as Error).message}`);
  }
  const tDecode = performance.now();
  const [scores] = await classifier.classifyPixels([pixels], { topK: manifest.labels.length, threshold: manifest.thresholds.closeup });
  const tInfer = performance.now();
  const decision = decideVerdict(scores.top, scores.poppy, manifest);
  await saving;
  const tSave = performance.now();

  const errorRadiusM = location.accuracyM ?? DEFAULT_ACCURACY_M[location.source];
  const model = { name: manifest.name, version: manifest.version };
  const modelVersion = modelVersionOf(manifest);
  const seenAt = exif.takenAt ?? new Date().toISOString();
  const topForStore = decision.top.map(({ label, score }) => ({ label, score }));

  const record = async (): Promise<SnapAnswer> => {
    const existing = input.idempotencyKey ? await store.snaps.findByIdempotencyKey(userId, input.idempotencyKey) : null;
    if (existing) return existing.answer as SnapAnswer;
    const { image } = await store.images.insertOrGet({
      flightId: null,
      name: safeName(input.fileName, type),
      sha256: digest,
      sizeBytes: photo.length,
      mime: MIME[type as keyof typeof MIME],
      uploadedBy: input.user.username,
    });
    await store.images.saveFacts(image.id, {
      width: meta.width,
      height: meta.height,
      orientation: meta.orientation,
      takenAt: exif.takenAt,
      lat: location.lat,
      lon: location.lon,
      located: true,
      unlocatedReason: null,
      footprint: null,
      metadata: { source: 'phone', make: exif.make, model: exif.model, location },
      camera: null,
      timings: {},
      modelVersion,
    });
    const detection = await store.detections.insert({
      imageId: image.id,
      flightId: null,
      box: { x: 0, y: 0, w: meta.width, h: meta.height },
      score: decision.poppyScore,
      lat: location.lat,
      lon: location.lon,
      errorRadiusM,
      top: topForStore,
      modelVersion,
      seenAt,
    });
    const site = await placeSnapDetection(store, detection, seenAt);
    const snap = await store.snaps.insert({
      userId,
      username: input.user.username,
      idempotencyKey: input.idempotencyKey,
      sha256: digest,
      sizeBytes: photo.length,
      mime: MIME[type as keyof typeof MIME],
      width: meta.width,
      height: meta.height,
      imageId: image.id,
      detectionId: detection.id,
      siteId: site.id,
      verdict: decision.verdict,
      poppyScore: decision.poppyScore,
      lat: location.lat,
      lon: location.lon,
      locationSource: location.source,
      accuracyM: location.accuracyM,
      note: input.note,
      takenAt: exif.takenAt,
      modelVersion,
      answer: (id, createdAt): SnapAnswer => ({
        id,
        verdict: decision.verdict,
        poppyScore: decision.poppyScore,
        reasons: decision.reasons,
        top: decision.top,
        advice: decision.advice,
        thresholds: decision.thresholds,
        location,
        siteId: site.id,
        imageId: image.id,
        detectionId: detection.id,
        note: input.note,
        photo: { sha256: digest, width: meta.width, height: meta.height, type },
        model,
        createdAt,
      }),
    });
    await store.audit.append({
      action: 'snap',
      user: typeof input.user.id === 'number' ? { id: input.user.id, username: input.user.username } : null,
      username: input.user.username,
      siteId: site.id,
      imageId: image.id,
      after: { verdict: decision.verdict, poppyScore: decision.poppyScore, location, note: input.note },
      details: { snapId: snap.id, sha256: digest, modelVersion },
    });
    return snap.answer as SnapAnswer;
  };
  let answer: SnapAnswer;
  try {
    answer = await store.tx(record);
  } catch (err) {
    // Another server (PostgreSQL, several machines) stored a snap with this key between our check and our insert:
    // the unique index refused ours, so answer theirs.
    const theirs = input.idempotencyKey ? await store.snaps.findByIdempotencyKey(userId, input.idempotencyKey) : null;
    if (!theirs) throw err;
    if (theirs.sha256 !== digest) throw reusedKey();
    return { answer: theirs.answer as SnapAnswer, replayed: true };
  }
  const tEnd = performance.now();
  return {
    answer,
    replayed: false,
    timings: {
      read: tRead - t0,
      decode: tDecode - tRead,
      infer: tInfer - tDecode,
      save: tSave - tInfer,
      store: tEnd - tSave,
      total: tEnd - t0,
    },
  };
}

function safeName(name: string | undefined, type: PhotoType): string {
  const base = (name ?? '').normalize('NFC').replace(/[\\/\u0000-\u001f\u007f]/g, '_').slice(-120).trim();
  return base || `snap.${type === 'jpeg' ? 'jpg' : type}`;
}
