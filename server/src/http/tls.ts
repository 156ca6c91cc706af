import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from '../config.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint of the certificate (AA:BB:…), for officers to compare with what their phone shows */
  fingerprint256: string;
  /** where the certificate came from */
  source: 'files' | 'self-signed (created now)' | 'self-signed (kept from an earlier start)';
  certFile: string;
}

export const SELF_SIGNED_DIR = 'tls';
const CERT_DAYS = 825; // the longest validity Apple devices accept for a TLS server certificate

/** Host names and addresses the certificate must cover: this machine's name and every LAN address it has now. */
export function localNames(): { dns: string[]; ips: string[] } {
  const dns = [...new Set(['localhost', os.hostname()].filter(Boolean))];
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (!a.internal || a.address === '127.0.0.1') ips.add(a.address.split('%')[0]);
  return { dns, ips: [...ips] };
}

async function createSelfSigned(dir: string): Promise<void> {
  const names = localNames();
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000); // phones with a slightly wrong clock still accept it
  const pems = await generate([{ name: 'commonName', value: `PoppyWatch ${os.hostname()}` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + CERT_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  } as Parameters<typeof generate>[1]);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // key first and private; the certificate last, so a crash in between leaves no certificate without its key
  fs.writeFileSync(path.join(dir, 'key.pem'), pems.private, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'cert.pem'), pems.cert, { mode: 0o644 });
}

/**
 * The certificate and key to serve HTTPS with, or null for plain HTTP. `POPPY_TLS=self-signed` makes one at the
 * first start in <data dir>/tls/ and keeps it, so the fingerprint officers checked stays the same across restarts
 * and backups.
 */
export async function loadTls(config: Pick<Config, 'tls'>, dataDir: string): Promise<TlsMaterial | null> {
  const tls = config.tls;
  if (!tls) return null;
  let certFile: string;
  let keyFile: string;
  let source: TlsMaterial['source'] = 'files';
  if (tls.mode === 'files') {
    certFile = tls.certFile;
    keyFile = tls.keyFile;
  } else {
    const dir = path.join(dataDir, SELF_SIGNED_DIR);
    certFile = path.join(dir, 'cert.pem');
    keyFile = path.join(dir, 'key.pem');
    source = 'self-signed (kept from an earlier start)';
    if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
      await createSelfSigned(dir);
      source = 'self-signed (created now)';
    }
  }
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  const cert = read(certFile, 'certificate');
  const key = read(keyFile, 'key');
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch (err) {
    throw new Error(`${certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  if (!x509.checkPrivateKey(crypto.createPrivateKey(key))) throw new Error(`the TLS key ${keyFile} does not belong to the certificate ${certFile}`);
  return { cert, key, fingerprint256: x509.fingerprint256, source, certFile };
}
