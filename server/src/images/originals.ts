import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Keeps an original byte for byte as originals/<sha256>, read-only and shared by every image with those bytes.
 * From a received temp file (moved, or removed when the original is already there) or from bytes in memory
 * (written under a temporary name first, so a crash leaves no half file).
 */
export async function keepOriginal(originalsDir: string, sha256: string, from: { file: string } | { bytes: Buffer }): Promise<string> {
  const dest = path.join(originalsDir, sha256);
  if (fs.existsSync(dest)) {
    if ('file' in from) await fs.promises.rm(from.file, { force: true });
    return dest;
  }
  let source: string;
  if ('file' in from) source = from.file;
  else {
    source = `${dest}.${crypto.randomUUID()}.part`;
    await fs.promises.writeFile(source, from.bytes);
  }
  await fs.promises.chmod(source, 0o444);
  try {
    await fs.promises.rename(source, dest);
  } catch (err) {
    // the originals on a shared volume, the upload's temp file on this machine's disk: copy, then rename there
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const part = `${dest}.${crypto.randomUUID()}.part`;
    await fs.promises.copyFile(source, part);
    await fs.promises.rename(part, dest);
    await fs.promises.rm(source, { force: true });
  }
  return dest;
}
