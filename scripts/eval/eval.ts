/**
 * npm run eval [-- --model <manifest.json>] [--synthetic-count N] [--skip closeups,aerial,synthetic,throughput] [--dry-run]
 *
 * Evaluates the shipped model on the held-out TEST split only (models/<name>-<version>.split.tsv), prints a report,
 * writes models/<name>-<version>.eval.json, the manifest's `metrics` and the model card's evaluation section.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Classifier } from '../../server/src/model/classifier.js';
import { defaultManifestPath } from '../../server/src/model/manifest.js';
import type { FlightOverrides } from '../../server/src/pipeline/camera.js';
import { evalAerial, type AerialEval } from './aerial.js';
import { evalCloseups, type CloseupEval } from './closeups.js';
import { aerialGoal, closeupGoal, syntheticGoal, throughputGoal } from './goals.js';
import { cardSection, textReport, type EvalResult } from './report.js';
import { readSplit } from './split.js';
import { evalSynthetic, type SyntheticEval } from './synthetic.js';
import { evalThroughput, type ThroughputEval } from './throughput.js';
import { writeCardSection, writeManifestMetrics } from './write.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PARTS = ['closeups', 'aerial', 'synthetic', 'throughput'] as const;
type Part = (typeof PARTS)[number];

function options() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      shared: { type: 'string' },
      'synthetic-count': { type: 'string', default: '150' },
      'throughput-seconds': { type: 'string', default: '8' },
      skip: { type: 'string', default: '' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const skip = new Set(values.skip.split(',').map((s) => s.trim()).filter(Boolean));
  for (const s of skip) if (!PARTS.includes(s as Part)) throw new Error(`--skip takes ${PARTS.join(',')}; got "${s}"`);
  const count = Number(values['synthetic-count']);
  if (!Number.isInteger(count) || count < 3) throw new Error('--synthetic-count must be an integer ≥ 3');
  const seconds = Number(values['throughput-seconds']);
  if (!(seconds > 0)) throw new Error('--throughput-seconds must be positive');
  return {
    manifestPath: values.model ? path.resolve(values.model) : defaultManifestPath(),
    sharedDir: path.resolve(values.shared ?? process.env.POPPY_SHARED_DIR ?? path.join(REPO, '../shared')),
    syntheticCount: count,
    throughputSeconds: seconds,
    skip: skip as Set<Part>,
    dryRun: values['dry-run'],
  };
}

/** Flight values the held-out frames need: the same height training assumed for frames without one (model.json). */
function aerialOverrides(): FlightOverrides {
  const file = path.join(REPO, 'scripts/train/model.json');
  if (!fs.existsSync(file)) return {};
  const height = JSON.parse(fs.readFileSync(file, 'utf8')).caliterraAssumedHeightM;
  return typeof height === 'number' ? { altitudeAglM: height } : {};
}

async function main(): Promise<number> {
  const opts = options();
  const started = performance.now();
  const classifier = await Classifier.load({ manifestPath: opts.manifestPath });
  const m = classifier.manifest;
  const splitPath = path.join(path.dirname(opts.manifestPath), `${m.name}-${m.version}.split.tsv`);
  if (!fs.existsSync(splitPath)) throw new Error(`no split file ${splitPath}: the evaluation needs the training split`);
  const rows = readSplit(splitPath);
  if (!fs.existsSync(path.join(opts.sharedDir, 'data'))) throw new Error(`shared data not found at ${opts.sharedDir} (set POPPY_SHARED_DIR or --shared)`);
  console.error(`evaluating ${m.name} ${m.version} from ${opts.manifestPath} on the test split of ${path.relative(REPO, splitPath)}`);

  const skipped: EvalResult['skipped'] = [];
  let failed = false;
  async function part<T>(name: Part, fn: () => Promise<T>): Promise<T | null> {
    if (opts.skip.has(name)) {
      skipped.push({ part: name, reason: 'skipped on the command line (--skip)' });
      return null;
    }
    const t0 = performance.now();
    console.error(`… ${name}`);
    try {
      const r = await fn();
      console.error(`  ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return r;
    } catch (err) {
      failed = true;
      const reason = (err as Error).message.split('\n').slice(0, 3).join(' ');
      console.error(`  ${name} FAILED: ${(err as Error).stack ?? reason}`);
      skipped.push({ part: name, reason: `failed: ${reason}` });
      return null;
    }
  }

  const closeups: CloseupEval | null = await part('closeups', () => evalCloseups(classifier, rows, opts.sharedDir));
  const overrides = aerialOverrides();
  const aerial: AerialEval | null = await part('aerial', () => evalAerial(classifier, rows, opts.sharedDir, overrides));
  const synthetic: SyntheticEval | null = await part('synthetic', () =>
    evalSynthetic(classifier, {
      repoRoot: REPO,
      sharedDir: opts.sharedDir,
      count: opts.syntheticCount,
      python: process.env.POPPY_PYTHON ?? '/usr/bin/python3',
    }),
  );
  await classifier.dispose();
  const throughput: ThroughputEval | null = await part('throughput', () => evalThroughput(opts.manifestPath, undefined, opts.throughputSeconds));

  const result: EvalResult = {
    model: {
      name: m.name,
      version: m.version,
      sha256: m.sha256,
      createdAt: m.createdAt ?? null,
      drone: m.drone,
    },
    evaluatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version },
    split: path.relative(REPO, splitPath),
    closeups,
    aerial,
    synthetic,
    throughput,
    goals: [closeupGoal(closeups), aerialGoal(aerial), syntheticGoal(synthetic), throughputGoal(throughput)],
    skipped,
  };
  console.log(textReport(result));

  if (opts.dryRun) {
    console.error('\n--dry-run: nothing written');
  } else {
    const evalPath = path.join(path.dirname(opts.manifestPath), `${m.name}-${m.version}.eval.json`);
    fs.writeFileSync(evalPath, `${JSON.stringify(result, null, 1)}\n`);
    writeManifestMetrics(opts.manifestPath, m.sha256, result);
    const card = writeCardSection(path.join(path.dirname(opts.manifestPath), 'README.md'), cardSection(result));
    console.error(`\nwrote ${path.relative(REPO, evalPath)}, metrics in ${path.relative(REPO, opts.manifestPath)}; model card: ${card}`);
  }
  console.error(`eval took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`eval: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
