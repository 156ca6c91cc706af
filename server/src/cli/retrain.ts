/**
 * npm run retrain -- [--promote] [--lambda L]
 *
 * Retrains the aerial head's presence row on the reviewed and field-checked sites of the data dir (POPPY_DATA_DIR),
 * prints progress and the new version's report beside the active version. --promote then makes it the active
 * version (re-scoring pending sites); a running server picks a promotion made here up at its next start, so promote
 * from the Models page while it runs.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { AerialModels } from '../learning/aerialModels.js';
import { LearningError } from '../learning/versionFiles.js';
import type { VersionReport } from '../learning/retrain.js';
import { formatReport } from '../learning/reportText.js';
import { openConfiguredStore } from './common.js';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { promote: { type: 'boolean' }, lambda: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (err) {
    throw new LearningError(2, 'usage', `${(err as Error).message}\nusage: npm run retrain -- [--promote] [--lambda L]`);
  }
  if (values.help) {
    console.log('usage: npm run retrain -- [--promote] [--lambda L]   (data dir: POPPY_DATA_DIR, default ./data)');
    return;
  }
  const lambda = values.lambda === undefined ? undefined : Number(values.lambda);
  if (lambda !== undefined && !(lambda > 0)) throw new LearningError(2, 'usage', `--lambda must be a positive number, got "${values.lambda}"`);
  const config = loadConfig();
  const store = await openConfiguredStore(config);
  try {
    const models = new AerialModels(store, { manifestPath: config.aerialModelPath, lambda });
    const started = models.startRetrain({ id: null, username: 'cli' });
    const done = await new Promise<NonNullable<ReturnType<AerialModels['job']>>>((resolve) => {
      models.onJob((j) => {
        if (j.state === 'running') process.stderr.write(`\r${(j.progress.fraction * 100).toFixed(0).padStart(3)} %  ${j.progress.phase}: ${j.progress.message}`.padEnd(100));
        else resolve(j);
      });
    });
    process.stderr.write('\n');
    if (done.state === 'failed') throw new LearningError(1, done.error!.code, done.error!.message);
    const rec = (await store.modelVersions.get(done.version!))!;
    console.log(formatReport(rec.version, rec.report as VersionReport));
    console.log(`written: ${store.blobs.models}/${rec.file} (retraining ${started.id})`);
    if (values.promote) {
      const r = await models.promote(rec.version, { id: null, username: 'cli' });
      console.log(`promoted ${rec.version} (was ${r.promotion.previousVersion}); pending sites re-scored: ${r.rescored.sites} (${r.rescored.belowMinScore} now below the score), ${r.rescored.withoutFeatures} without stored features`);
    }
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(`retrain: ${(err as Error).message}`);
  process.exit(err instanceof LearningError && err.status === 2 ? 2 : 1);
});
