import { Classifier } from '../src/model/classifier.js';
import { startTestServer, type TestServer } from './helpers/server.js';

export interface SnapTestServer extends TestServer {
  /** Bearer headers of a fresh officer account */
  officer: Record<string, string>;
  /** Bearer headers of a reviewer (no snap rights) */
  reviewer: Record<string, string>;
}

/** The app in-process (helpers/server.ts) with a real classifier, an officer and a reviewer account. */
export async function startSnapServer(opts: { manifestPath: string; maxFileMb?: number }): Promise<SnapTestServer> {
  const classifier = await Classifier.load({ manifestPath: opts.manifestPath, threads: 2 });
  const srv = await startTestServer({ classifier, env: { POPPY_MAX_FILE_MB: String(opts.maxFileMb ?? 64) } });
  const account = async (username: string, role: string) => {
    const password = 'correct-horse-battery-staple';
    const created = await srv.fetch('/api/users', { method: 'POST', json: { username, password, role } });
    if (created.status !== 201) throw new Error(`creating ${username}: ${created.status} ${await created.text()}`);
    const login = await srv.fetch('/api/auth/login', { method: 'POST', auth: false, json: { username, password } });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const tok = await srv.fetch('/api/auth/tokens', {
      method: 'POST',
      auth: false,
      headers: { cookie, 'x-csrf-token': csrfToken },
      json: { name: 'test' },
    });
    if (!tok.ok) throw new Error(`token for ${username}: ${tok.status} ${await tok.text()}`);
    const { token } = (await tok.json()) as { token: string };
    return { authorization: `Bearer ${token}` };
  };
  const officer = await account('officer1', 'officer');
  const reviewer = await account('reviewer1', 'reviewer');
  const close = srv.close.bind(srv);
  return {
    ...srv,
    officer,
    reviewer,
    close: async (o) => {
      await close(o);
      await classifier.dispose();
    },
  };
}
