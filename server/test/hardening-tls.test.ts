// Issue 11 §1 (with issue 10 item 17): built-in HTTPS. POPPY_TLS=self-signed makes a certificate at the first start,
// keeps it in the data dir and prints its SHA-256 fingerprint; POPPY_TLS_CERT/POPPY_TLS_KEY serve a given one.
// HSTS and upgrade-insecure-requests are sent over TLS only.
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { listeningPort, spawnMain } from '../../scripts/lib/workerProcess.js';
import { tempDataDir, TEST_TOKEN } from './helpers/server.js';

const children = new Set<ChildProcess>();
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function startServer(dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number; output: () => string; stop(): Promise<void> }> {
  const proc = await spawnMain({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      POPPY_DATA_DIR: dataDir,
      POPPY_BOOTSTRAP_TOKEN: TEST_TOKEN,
      POPPY_MODEL: path.join(dataDir, 'no-model.json'),
      POPPY_AERIAL_MODEL: path.join(dataDir, 'no-aerial-model.json'),
      ...env,
    },
    readyMsg: 'listening',
    timeoutMs: 60_000,
  });
  children.add(proc.child);
  return {
    child: proc.child,
    port: listeningPort(proc.output())!,
    output: proc.output,
    stop: async () => {
      await proc.kill('SIGTERM');
      children.delete(proc.child);
    },
  };
}

/** GET over TLS trusting exactly `ca`; also returns the certificate the server presented. */
function httpsGet(port: number, p: string, ca: string, servername = 'localhost'): Promise<{ status: number; headers: Record<string, unknown>; peerFingerprint: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: p, ca, servername, headers: { authorization: `Bearer ${TEST_TOKEN}` }, agent: false }, (res) => {
      const peer = (res.socket as tls.TLSSocket).getPeerCertificate();
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, peerFingerprint: peer.fingerprint256, body }));
    });
    req.on('error', reject);
  });
}

describe('built-in HTTPS', () => {
  it('POPPY_TLS=self-signed: creates a certificate once, keeps it in the data dir, prints its fingerprint', async () => {
    const dataDir = tempDataDir('poppy-tls-');
    dirs.push(dataDir);
    const first = await startServer(dataDir, { POPPY_TLS: 'self-signed' });
    const certFile = path.join(dataDir, 'tls', 'cert.pem');
    const keyFile = path.join(dataDir, 'tls', 'key.pem');
    const cert = fs.readFileSync(certFile, 'utf8');
    const fingerprint = new crypto.X509Certificate(cert).fingerprint256;
    expect(first.output()).toContain(`SHA-256 fingerprint ${fingerprint}`);
    expect(first.output()).toMatch(/created now/);
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    const x509 = new crypto.X509Certificate(cert);
    expect(x509.subjectAltName).toMatch(/DNS:localhost/);
    expect(x509.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);

    // the client verifies the chain and the name against exactly this certificate
    const health = await httpsGet(first.port, '/api/health', cert);
    expect(health.status).toBe(200);
    expect(health.peerFingerprint).toBe(fingerprint);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(String(health.headers['content-security-policy'])).toMatch(/upgrade-insecure-requests/);
    // also when the phone opens it by address rather than by name
    expect((await httpsGet(first.port, '/api/health', cert, '127.0.0.1')).status).toBe(200);
    await first.stop();

    const second = await startServer(dataDir, { POPPY_TLS: 'self-signed' });
    expect(second.output()).toContain(`SHA-256 fingerprint ${fingerprint}`);
    expect(second.output()).toMatch(/kept from an earlier start/);
    expect(fs.readFileSync(certFile, 'utf8')).toBe(cert);
    await second.stop();

    // the same files given explicitly
    const otherDir = tempDataDir('poppy-tls-files-');
    dirs.push(otherDir);
    const third = await startServer(otherDir, { POPPY_TLS_CERT: certFile, POPPY_TLS_KEY: keyFile });
    expect(third.output()).toContain(`SHA-256 fingerprint ${fingerprint}`);
    expect((await httpsGet(third.port, '/api/health', cert)).peerFingerprint).toBe(fingerprint);
    expect(fs.existsSync(path.join(otherDir, 'tls'))).toBe(false);
    await third.stop();
  }, 120_000);

  it('refuses half or contradictory settings, and a key that does not match', async () => {
    expect(() => loadConfig({ POPPY_TLS_CERT: '/x/cert.pem' })).toThrow(/together/);
    expect(() => loadConfig({ POPPY_TLS: 'self-signed', POPPY_TLS_CERT: '/a', POPPY_TLS_KEY: '/b' })).toThrow(/exclude/);
    expect(loadConfig({}).tls).toBeNull();
    expect(loadConfig({ POPPY_TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(loadConfig({ POPPY_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    const { loadTls } = await import('../src/http/tls.js');
    const a = tempDataDir('poppy-tls-a-');
    const b = tempDataDir('poppy-tls-b-');
    dirs.push(a, b);
    await loadTls({ tls: { mode: 'self-signed' } }, a);
    await loadTls({ tls: { mode: 'self-signed' } }, b);
    await expect(loadTls({ tls: { mode: 'files', certFile: path.join(a, 'tls', 'cert.pem'), keyFile: path.join(b, 'tls', 'key.pem') } }, a)).rejects.toThrow(/does not belong/);
  }, 60_000);
});
