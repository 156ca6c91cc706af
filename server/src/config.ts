import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const positiveInt = (def: number) => z.coerce.number().int().positive().default(def);
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  POPPY_DATA_DIR: z.string().min(1).default('./data'),
  /** unset = decided at start: on when the data dir holds no database yet */
  POPPY_DEMO: z.preprocess(emptyAsUndefined, flag.optional()),
  POPPY_DEMO_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  POPPY_MODEL: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** the aerial (drone frame) model's manifest; default the newest models/*.json of kind "aerial" */
  POPPY_AERIAL_MODEL: z.preprocess(emptyAsUndefined, z.string().optional()),
  POPPY_ORT_THREADS: positiveInt(2),
  POPPY_WORKERS: positiveInt(1),
  POPPY_MAX_FILE_MB: z.coerce.number().positive().default(64),
  POPPY_MAX_FILES: positiveInt(1000),
  POPPY_BOOTSTRAP_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(8).optional()),
  POPPY_BASEMAP_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  POPPY_BASEMAP_GCJ02: z.preprocess(emptyAsUndefined, flag.default(false)),
  POPPY_BASEMAP_ATTRIBUTION: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** font for the Chinese text of task sheets (.ttf/.ttc, `file.ttc#PostScriptName` for a collection); default Debian fonts-wqy-microhei */
  POPPY_CJK_FONT: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** a local raster PMTiles file served at /api/basemap.pmtiles (offline basemap) */
  POPPY_BASEMAP_PMTILES: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** plain text before the attribution on the map; "" hides it */
  POPPY_MAP_ATTRIBUTION_PREFIX: z.string().max(200).default('PoppyWatch'),
  /** unset/0 = no proxy; `loopback` (nginx on this machine), a comma list of proxy addresses/CIDRs, or a hop count */
  POPPY_TRUST_PROXY: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** `self-signed`: make a certificate in the data dir at first start (else POPPY_TLS_CERT + POPPY_TLS_KEY, or plain HTTP) */
  POPPY_TLS: z.preprocess(emptyAsUndefined, z.enum(['self-signed', 'off']).optional()),
  POPPY_TLS_CERT: z.preprocess(emptyAsUndefined, z.string().optional()),
  POPPY_TLS_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  POPPY_TOKEN_TTL_DAYS: z.coerce.number().positive().max(3650).default(90),
  /** whole-request limit on every route but uploads */
  POPPY_REQUEST_TIMEOUT_S: z.coerce.number().positive().default(30),
  /** uploads may take long, but not stall: the body must keep arriving */
  POPPY_UPLOAD_IDLE_TIMEOUT_S: z.coerce.number().positive().default(60),
  POPPY_MAX_CONNECTIONS_PER_IP: positiveInt(256),
  /** password hashes (scrypt, ~32 MiB and ~80 ms each) running at once; more wait in a short queue, then 503 */
  POPPY_MAX_CONCURRENT_HASHES: positiveInt(2),
  /** snap photos (held in memory while judged) received at once; more answer 503 and the phone's outbox retries */
  POPPY_MAX_CONCURRENT_SNAPS: positiveInt(4),
  POPPY_SHARED_DIR: z.string().default('../shared'),
  /** postgres://user:password@host:5432/db — the shared store and job queue of several machines; unset = SQLite in the data dir */
  POPPY_DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional()),
  /** a PostgreSQL schema of its own (several installations in one database; tests) */
  POPPY_DATABASE_SCHEMA: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _').optional()),
  /** originals, derived images and retrained models: a volume every machine mounts; default the data dir */
  POPPY_BLOB_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** all = HTTP and frame processing in one process (the default); api = HTTP only; worker = frame processing only */
  POPPY_ROLE: z.preprocess(emptyAsUndefined, z.enum(['all', 'api', 'worker']).default('all')),
  /** a frame claimed by a worker that stops renewing its lease (killed, cut off) goes to another after this long */
  POPPY_LEASE_S: z.coerce.number().min(2).max(3600).default(60),
  POPPY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** undefined = on when the data dir is empty */
  demo: boolean | undefined;
  demoPassword: string | undefined;
  modelPath: string | undefined;
  aerialModelPath: string | undefined;
  ortThreads: number;
  workers: number;
  maxFileBytes: number;
  maxFiles: number;
  bootstrapToken: string | undefined;
  basemap: { url: string | null; gcj02: boolean; attribution: string | null; pmtiles: string | null };
  mapAttributionPrefix: string;
  /** Express `trust proxy`: false, or what to trust (see POPPY_TRUST_PROXY) */
  trustProxy: boolean | number | string;
  /** null = plain HTTP */
  tls: { mode: 'self-signed' } | { mode: 'files'; certFile: string; keyFile: string } | null;
  tokenTtlDays: number;
  requestTimeoutMs: number;
  uploadIdleTimeoutMs: number;
  maxConnectionsPerIp: number;
  maxConcurrentHashes: number;
  maxConcurrentSnaps: number;
  sharedDir: string;
  databaseUrl: string | null;
  databaseSchema: string | undefined;
  blobDir: string | null;
  role: 'all' | 'api' | 'worker';
  leaseMs: number;
  logLevel: string;
  cjkFont: string | undefined;
  webDist: string;
  samplesDir: string;
}

/** Parses the environment once; throws an error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  if (e.POPPY_ROLE !== 'all' && !e.POPPY_DATABASE_URL) {
    // separate API and worker processes share their queue, data and progress events through PostgreSQL only
    throw new Error(`invalid environment: POPPY_ROLE=${e.POPPY_ROLE} needs POPPY_DATABASE_URL (postgres://…); the embedded SQLite store serves one process (POPPY_ROLE=all)`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.POPPY_DATA_DIR),
    demo: e.POPPY_DEMO,
    demoPassword: e.POPPY_DEMO_PASSWORD,
    modelPath: e.POPPY_MODEL ? path.resolve(e.POPPY_MODEL) : undefined,
    aerialModelPath: e.POPPY_AERIAL_MODEL ? path.resolve(e.POPPY_AERIAL_MODEL) : undefined,
    ortThreads: e.POPPY_ORT_THREADS,
    workers: e.POPPY_WORKERS,
    maxFileBytes: Math.round(e.POPPY_MAX_FILE_MB * 1024 * 1024),
    maxFiles: e.POPPY_MAX_FILES,
    bootstrapToken: e.POPPY_BOOTSTRAP_TOKEN,
    basemap: { url: e.POPPY_BASEMAP_URL ?? null, gcj02: e.POPPY_BASEMAP_GCJ02, attribution: e.POPPY_BASEMAP_ATTRIBUTION ?? null,
      pmtiles: e.POPPY_BASEMAP_PMTILES ? path.resolve(e.POPPY_BASEMAP_PMTILES) : null },
    mapAttributionPrefix: e.POPPY_MAP_ATTRIBUTION_PREFIX,
    trustProxy: parseTrustProxy(e.POPPY_TRUST_PROXY),
    tls: tlsSetting(e),
    tokenTtlDays: e.POPPY_TOKEN_TTL_DAYS,
    requestTimeoutMs: e.POPPY_REQUEST_TIMEOUT_S * 1000,
    uploadIdleTimeoutMs: e.POPPY_UPLOAD_IDLE_TIMEOUT_S * 1000,
    maxConnectionsPerIp: e.POPPY_MAX_CONNECTIONS_PER_IP,
    maxConcurrentHashes: e.POPPY_MAX_CONCURRENT_HASHES,
    maxConcurrentSnaps: e.POPPY_MAX_CONCURRENT_SNAPS,
    sharedDir: path.resolve(e.POPPY_SHARED_DIR),
    databaseUrl: e.POPPY_DATABASE_URL ?? null,
    databaseSchema: e.POPPY_DATABASE_SCHEMA,
    blobDir: e.POPPY_BLOB_DIR ? path.resolve(e.POPPY_BLOB_DIR) : null,
    role: e.POPPY_ROLE,
    leaseMs: e.POPPY_LEASE_S * 1000,
    logLevel: e.POPPY_LOG_LEVEL,
    cjkFont: e.POPPY_CJK_FONT,
    webDist: path.join(REPO_ROOT, 'web', 'dist'),
    samplesDir: path.join(REPO_ROOT, 'samples', 'demo-flight'),
  };
}

function parseTrustProxy(v: string | undefined): Config['trustProxy'] {
  const s = (v ?? '').trim();
  if (s === '' || s === '0' || s === 'false' || s === 'no') return false;
  if (/^\d+$/.test(s)) return Number(s);
  // `true` would trust any X-Forwarded-For a client sends; name the proxy instead
  if (s === '1' || s === 'true' || s === 'yes') return 'loopback';
  return s;
}

function tlsSetting(e: z.infer<typeof EnvSchema>): Config['tls'] {
  if (e.POPPY_TLS === 'off') return null;
  if (e.POPPY_TLS_CERT || e.POPPY_TLS_KEY) {
    if (!e.POPPY_TLS_CERT || !e.POPPY_TLS_KEY) throw new Error('invalid environment: set POPPY_TLS_CERT and POPPY_TLS_KEY together');
    if (e.POPPY_TLS === 'self-signed') throw new Error('invalid environment: POPPY_TLS=self-signed and POPPY_TLS_CERT/KEY exclude each other');
    return { mode: 'files', certFile: path.resolve(e.POPPY_TLS_CERT), keyFile: path.resolve(e.POPPY_TLS_KEY) };
  }
  return e.POPPY_TLS === 'self-signed' ? { mode: 'self-signed' } : null;
}
