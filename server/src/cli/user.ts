/**
 * Account administration from the shell (works on the data dir directly; the server may be running).
 *   npm run user -- add <name> --role <admin|operator|officer|reviewer> [--password <pw>]
 *       password from --password, else POPPY_USER_PASSWORD, else prompted (hidden) on a terminal, else stdin's first line
 *   npm run user -- list
 *   npm run user -- token <name> [--name <token label>]     prints a new API token once
 *   npm run user -- passwd <name> [--password <pw>]
 * POPPY_DATA_DIR selects the data dir, as for the server.
 */
import readline from 'node:readline';
import { ZodError } from 'zod';
import { createUser, PasswordSchema } from '../auth/accounts.js';
import { issueApiToken } from '../auth/apiTokens.js';
import { hashPassword } from '../auth/passwords.js';
import { passwordProblem } from '../auth/passwordPolicy.js';
import { isRole, ROLES } from '../auth/roles.js';
import { loadConfig } from '../config.js';
import { openConfiguredStore } from './common.js';
import { DuplicateUsernameError } from '../store/users.js';

const USAGE = `usage:
  npm run user -- add <name> --role <${ROLES.join('|')}> [--password <pw>]
  npm run user -- list
  npm run user -- token <name> [--name <label>]
  npm run user -- passwd <name> [--password <pw>]`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
        flags.set(a.slice(2), v);
        i++;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!process.stdin.isTTY) {
      reject(new UsageError('no password given: use --password, POPPY_USER_PASSWORD, or run on a terminal'));
      return;
    }
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    let prompted = false;
    out._writeToOutput = (s: string) => {
      if (!prompted) {
        process.stdout.write(s);
        prompted = true;
      } else if (s.includes('\n')) process.stdout.write('\n');
    };
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new UsageError('no password given: use --password, POPPY_USER_PASSWORD, a terminal, or pipe it on stdin');
  return line;
}

async function readPassword(flags: Map<string, string>): Promise<string> {
  const given = flags.get('password') ?? process.env.POPPY_USER_PASSWORD;
  if (given) return given;
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const pw = await promptHidden('Password: ');
  const again = await promptHidden('Repeat password: ');
  if (pw !== again) throw new UsageError('the passwords do not match');
  return pw;
}

async function main(argv: string[]): Promise<void> {
  const { positional, flags } = parseArgs(argv);
  const [command, name] = positional;
  if (!command || command === 'help' || flags.has('help')) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const store = await openConfiguredStore(config);
  try {
    switch (command) {
      case 'add': {
        if (!name) throw new UsageError('add needs a user name');
        const role = flags.get('role');
        if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        const password = await readPassword(flags);
        const user = await createUser(store.users, { username: name, password, role });
        await store.audit.append({ action: 'user_created', username: 'cli', details: { userId: user.id, username: user.username, role } });
        console.log(`created user ${user.username} (id ${user.id}, role ${user.role})`);
        return;
      }
      case 'list': {
        const users = await store.users.list();
        if (users.length === 0) console.log('no users');
        for (const u of users) console.log(`${String(u.id).padStart(4)}  ${u.username.padEnd(24)} ${u.role.padEnd(9)} ${u.disabled ? 'disabled' : ''}`.trimEnd());
        return;
      }
      case 'token': {
        if (!name) throw new UsageError('token needs a user name');
        const user = await store.users.findByName(name);
        if (!user) throw new UsageError(`no user named "${name}"`);
        const label = flags.get('name') ?? `cli ${new Date().toISOString().slice(0, 10)}`;
        const { id, token, expiresAt } = await issueApiToken(store.tokens, user.id, label, config.tokenTtlDays);
        await store.audit.append({ action: 'token_created', username: 'cli', details: { tokenId: id, name: label, for: user.username, expiresAt } });
        console.error(`API token for ${user.username} (role ${user.role}), valid until ${expiresAt}, shown once; send it as "Authorization: Bearer <token>":`);
        console.log(token);
        return;
      }
      case 'passwd': {
        if (!name) throw new UsageError('passwd needs a user name');
        const user = await store.users.findByName(name);
        if (!user) throw new UsageError(`no user named "${name}"`);
        const password = PasswordSchema.parse(await readPassword(flags));
        const problem = passwordProblem(password, user.username);
        if (problem) throw new UsageError(problem);
        const hash = await hashPassword(password);
        const revoked = await store.tx(async () => {
          await store.users.setPasswordHash(user.id, hash);
          await store.sessions.deleteForUser(user.id);
          return store.tokens.revokeAllForUser(user.id);
        });
        await store.audit.append({ action: 'user_changed', username: 'cli', details: { userId: user.id, username: user.username, passwordReset: true, revokedTokens: revoked } });
        console.log(`password changed for ${user.username}; their sessions were ended and ${revoked} API token(s) revoked`);
        return;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) console.error(`error: ${err.message}\n\n${USAGE}`);
  else if (err instanceof ZodError) console.error(`error: ${err.issues.map((i) => i.message).join('; ')}`);
  else if (err instanceof DuplicateUsernameError) console.error(`error: ${err.message}`);
  else console.error(err);
  process.exitCode = 1;
});
