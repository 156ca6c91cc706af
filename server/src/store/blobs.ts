import fs from 'node:fs';
import path from 'node:path';
import { keepOriginal } from '../images/originals.js';

/**
 * Where the bytes live: originals (by sha256), derived images (a cache that can be rebuilt), and retrained aerial
 * model versions. The data dir by default; for several machines a volume they all mount (NFS, CephFS…), named by
 * POPPY_BLOB_DIR. Everything in it is written under a temporary name and renamed, so readers on other machines never
 * see half a file.
 */
export interface BlobStore {
  readonly root: string;
  readonly originals: string;
  readonly derived: string;
  /** retrained aerial head versions (learning/versionFiles) */
  readonly models: string;
  originalPath(sha256: string): string;
  /** Keeps received bytes as the original for sha256 (a temp file is moved, bytes are written). */
  keepOriginal(sha256: string, from: { file: string } | { bytes: Buffer }): Promise<string>;
  removeOriginal(sha256: string): Promise<void>;
}

export function createFsBlobStore(root: string): BlobStore {
  const originals = path.join(root, 'originals');
  const derived = path.join(root, 'derived');
  const models = path.join(root, 'models', 'aerial');
  fs.mkdirSync(originals, { recursive: true });
  fs.mkdirSync(derived, { recursive: true });
  return {
    root,
    originals,
    derived,
    models,
    originalPath: (sha256) => path.join(originals, sha256),
    keepOriginal: (sha256, from) => keepOriginal(originals, sha256, from),
    removeOriginal: (sha256) => fs.promises.rm(path.join(originals, sha256), { force: true }),
  };
}
