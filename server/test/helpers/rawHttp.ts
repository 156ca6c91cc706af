/**
 * Plain node:http requests for tests that need what fetch cannot do: a chosen source address (127.0.0.x, to act as
 * different clients on loopback), and exact control over the headers sent.
 */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** `name=value` of the session cookie set by the answer, if any */
  cookie: string | null;
}

export function rawRequest(
  base: string,
  method: string,
  path: string,
  opts: { json?: unknown; headers?: Record<string, string>; from?: string; body?: Buffer | string } = {},
): Promise<RawAnswer> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { ...opts.headers };
  let body: Buffer | string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: opts.from, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          const setCookie = res.headers['set-cookie']?.find((c) => c.startsWith('pw_session='));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, cookie: setCookie ? setCookie.split(';')[0] : null });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** POST /api/auth/login from a chosen loopback address. */
export function rawLogin(base: string, username: string, password: string, from = '127.0.0.1'): Promise<RawAnswer> {
  return rawRequest(base, 'POST', '/api/auth/login', { json: { username, password }, from });
}
