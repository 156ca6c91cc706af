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
  POPPY_ORT_THREADS: positiveInt(2),
  POPPY_WORKERS: positiveInt(1),
  POPPY_MAX_FILE_MB: z.coerce.number().positive().default(64),
  POPPY_MAX_FILES: positiveInt(1000),
  POPPY_BOOTSTRAP_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(8).optional()),
  POPPY_BASEMAP_URL: z.preprocess(emptyAsUndefined, z.string().optional()),
  POPPY_BASEMAP_GCJ02: z.preprocess(emptyAsUndefined, flag.default(false)),
  POPPY_BASEMAP_ATTRIBUTION: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** a local raster PMTiles file served at /api/basemap.pmtiles (offline basemap) */
  POPPY_BASEMAP_PMTILES: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** plain text before the attribution on the map; "" hides it */
  POPPY_MAP_ATTRIBUTION_PREFIX: z.string().max(200).default('PoppyWatch'),
  POPPY_SHARED_DIR: z.string().default('../shared'),
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
  ortThreads: number;
  workers: number;
  maxFileBytes: number;
  maxFiles: number;
  bootstrapToken: string | undefined;
  basemap: { url: string | null; gcj02: boolean; attribution: string | null; pmtiles: string | null };
  mapAttributionPrefix: string;
  sharedDir: string;
  logLevel: string;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.POPPY_DATA_DIR),
    demo: e.POPPY_DEMO,
    demoPassword: e.POPPY_DEMO_PASSWORD,
    modelPath: e.POPPY_MODEL ? path.resolve(e.POPPY_MODEL) : undefined,
    ortThreads: e.POPPY_ORT_THREADS,
    workers: e.POPPY_WORKERS,
    maxFileBytes: Math.round(e.POPPY_MAX_FILE_MB * 1024 * 1024),
    maxFiles: e.POPPY_MAX_FILES,
    bootstrapToken: e.POPPY_BOOTSTRAP_TOKEN,
    basemap: { url: e.POPPY_BASEMAP_URL ?? null, gcj02: e.POPPY_BASEMAP_GCJ02, attribution: e.POPPY_BASEMAP_ATTRIBUTION ?? null,
      pmtiles: e.POPPY_BASEMAP_PMTILES ? path.resolve(e.POPPY_BASEMAP_PMTILES) : null },
    mapAttributionPrefix: e.POPPY_MAP_ATTRIBUTION_PREFIX,
    sharedDir: path.resolve(e.POPPY_SHARED_DIR),
    logLevel: e.POPPY_LOG_LEVEL,
    webDist: path.join(REPO_ROOT, 'web', 'dist'),
    samplesDir: path.join(REPO_ROOT, 'samples', 'demo-flight'),
  };
}
