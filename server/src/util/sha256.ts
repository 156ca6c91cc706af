import crypto from 'node:crypto';
import fs from 'node:fs';

/** Hex sha256 of bytes or text: originals are named by it, secrets stored as it, model files checked against it. */
export const sha256 = (data: Buffer | string): string => crypto.createHash('sha256').update(data).digest('hex');

/** Hex sha256 of a file, read as a stream. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = sha256Hasher();
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An incremental sha256, for bytes hashed while they stream in (uploads). */
export const sha256Hasher = (): crypto.Hash => crypto.createHash('sha256');
