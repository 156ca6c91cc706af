/**
 * The files of retrained heads: <data dir>/models/aerial/<version>.json, written once (never overwritten) with the
 * head, the report and the provenance; the table model_versions lists them with the file's sha256.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AerialHead, AerialManifest, AerialThresholds } from '../model/aerialManifest.js';
import { AerialHeadSchema } from '../model/aerialManifest.js';
import type { Store } from '../store/index.js';
import { sha256 } from '../util/sha256.js';

export class LearningError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface VersionFile {
  kind: 'aerial';
  version: string;
  base: { name: string; version: string; sha256: string };
  parentVersion: string;
  createdAt: string;
  createdBy: string | null;
  head: AerialHead;
  thresholds: AerialThresholds;
  summary: unknown;
  report: unknown;
  /** every labelled site used: its label, what decided it, who and when, and whether it was trained on or held back */
  provenance: unknown;
}

/** On the blob store: every worker machine reads the versions an API server wrote. */
export const versionsDir = (store: Pick<Store, 'blobs'>) => store.blobs.models;

/** Writes a version's file (refusing to replace one) and answers its name and sha256. */
const versionFileName = (version: string) => `${version}.json`;

export function versionFileExists(store: Pick<Store, 'blobs'>, version: string): boolean {
  return fs.existsSync(path.join(versionsDir(store), versionFileName(version)));
}

export function writeVersionFile(store: Pick<Store, 'blobs'>, v: VersionFile): { file: string; sha256: string } {
  const dir = versionsDir(store);
  fs.mkdirSync(dir, { recursive: true });
  const file = versionFileName(v.version);
  const text = `${JSON.stringify(v, null, 1)}\n`;
  fs.writeFileSync(path.join(dir, file), text, { flag: 'wx' });
  return { file, sha256: sha256(text) };
}

/** The head of a version: the shipped one from the manifest, a local one from its file (checked against the table). */
export async function headOf(store: Store, manifest: AerialManifest, version: string): Promise<AerialHead> {
  if (version === manifest.version) return manifest.head;
  const rec = await store.modelVersions.get(version);
  if (!rec) throw new LearningError(404, 'not_found', `Model version ${version} does not exist.`);
  if (rec.baseSha256 !== manifest.sha256) {
    throw new LearningError(409, 'model_version_incompatible', `Model version ${version} was trained on the features of network ${rec.baseVersion} (sha256 ${rec.baseSha256.slice(0, 12)}…), not the installed one.`);
  }
  const file = path.join(versionsDir(store), rec.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new LearningError(409, 'model_version_missing', `The file of model version ${version} (${rec.file}) is missing from the blob directory.`);
  }
  if (sha256(text) !== rec.fileSha256) {
    throw new LearningError(409, 'model_version_altered', `The file of model version ${version} (${rec.file}) has been changed since it was written.`);
  }
  const head = AerialHeadSchema.parse((JSON.parse(text) as VersionFile).head);
  if (head.weights.some((row) => row.length !== manifest.featureChannels)) throw new LearningError(409, 'model_version_incompatible', `Model version ${version} has heads of another width.`);
  return head;
}

/**
 * The version making new detections now: the shipped one until something is promoted, and again when the promoted
 * version was trained for another network (the installed model was replaced since).
 */
export async function activeVersion(store: Store, manifest: AerialManifest): Promise<string> {
  const promoted = await store.modelVersions.activeVersion();
  if (!promoted || promoted === manifest.version) return manifest.version;
  return (await store.modelVersions.get(promoted))?.baseSha256 === manifest.sha256 ? promoted : manifest.version;
}
