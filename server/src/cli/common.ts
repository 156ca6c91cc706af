import path from 'node:path';
import type { Config } from '../config.js';
import { openStore, type Store } from '../store/index.js';

/** A wrong command line: the CLI prints the message and its usage and exits 2. */
export class UsageError extends Error {}

/** `npm run` starts scripts in the repository root; relative paths are meant from where the user typed the command. */
export function fromCallerDir(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/**
 * Runs a CLI: parses (a UsageError → message + usage, exit 2; `help` → usage, exit 0), then `run` gives the exit code;
 * any other error is one line on stderr and exit 1.
 */
export function runCli<O>(name: string, usage: string, parse: () => O | 'help', run: (opts: O) => Promise<number>): void {
  const main = async (): Promise<number> => {
    let opts: O | 'help';
    try {
      opts = parse();
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`${name}: ${err.message}\n${usage}\n`);
      return 2;
    }
    if (opts === 'help') {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    return run(opts);
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/** The store the server itself uses (POPPY_DATABASE_URL, POPPY_BLOB_DIR…), so a CLI never writes beside it into a stray SQLite file. */
export function openConfiguredStore(config: Config): Promise<Store> {
  return openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, blobDir: config.blobDir });
}
