// /api/models: admin only; retraining answers 202 and a job to poll, writes 1.0.0+local.N with its report and
// provenance (never overwriting), promotion re-scores pending drone sites from their stored cell features (the
// detections keep their own score and version), rollback restores the shipped scores, both audited.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userWithToken } from './helpers/fieldFixtures.js';
import { startTestServer, tempDataDir, type TestServer } from './helpers/server.js';
import { TOY_MODEL_VERSION, TOY_NAME, toyFlight, writeToyManifest, type ToySite } from './helpers/learningFixtures.js';

let srv: TestServer;
const tokens: Record<string, string> = {};
let pending: ToySite[] = [];

interface Job {
  id: string;
  state: 'running' | 'done' | 'failed';
  version: string | null;
  progress: { fraction: number; phase: string };
  error: { code: string; message: string } | null;
}

async function retrain(): Promise<Job> {
  const r = await srv.fetch('/api/models/aerial/retrain', { method: 'POST' });
  expect(r.status).toBe(202);
  let { job } = (await r.json()) as { job: Job };
  expect(r.headers.get('location')).toBe(`/api/models/aerial/retrain/${job.id}`);
  for (let i = 0; i < 200 && job.state === 'running'; i++) {
    await new Promise((res) => setTimeout(res, 25));
    job = ((await (await srv.fetch(`/api/models/aerial/retrain/${job.id}`)).json()) as { job: Job }).job;
  }
  return job;
}

beforeAll(async () => {
  const modelDir = tempDataDir('poppy-toy-model-');
  srv = await startTestServer({ env: { POPPY_AERIAL_MODEL: writeToyManifest(modelDir) } });
  for (const role of ['reviewer', 'operator', 'officer'] as const) tokens[role] = await userWithToken(srv.store, `models-${role}`, role);
  // two flights so that one is held back as the gate set; pending sites to be re-scored
  await toyFlight(srv.store, 'flight A', { poppy: 12, lookalike: 12, seed: 1 });
  pending = (await toyFlight(srv.store, 'flight B', { poppy: 4, lookalike: 4, pending: 3, seed: 1000 })).pending;
});

afterAll(async () => {
  await srv?.close();
});

describe('/api/models', () => {
  it('is for admins only', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/api/models'],
      ['POST', '/api/models/aerial/retrain'],
      ['GET', '/api/models/aerial/retrain/00000000-0000-4000-8000-000000000000'],
      ['POST', '/api/models/aerial/1.0.0/promote'],
    ];
    for (const [method, p] of routes) {
      expect((await srv.fetch(p, { method, auth: false })).status, `${method} ${p} anonymous`).toBe(401);
      for (const role of ['reviewer', 'operator', 'officer']) expect((await srv.fetch(p, { method, auth: tokens[role] })).status, `${method} ${p} ${role}`).toBe(403);
    }
  });

  it('lists the shipped version as active before any retraining', async () => {
    const body = (await (await srv.fetch('/api/models')).json()) as { aerial: { active: string; shipped: { version: string; active: boolean }; versions: unknown[] } };
    expect(body.aerial.active).toBe('1.0.0');
    expect(body.aerial.shipped).toMatchObject({ version: '1.0.0', active: true });
    expect(body.aerial.versions).toEqual([]);
  });

  it('retrains into 1.0.0+local.1 with a gate report, provenance and progress', async () => {
    const job = await retrain();
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'done', version: '1.0.0+local.1' });
    expect(job.progress.fraction).toBe(1);
    const body = (await (await srv.fetch('/api/models')).json()) as { aerial: { active: string; versions: Array<{ version: string; parentVersion: string; createdBy: string; losesRecall: boolean; active: boolean; summary: { trainSites: { poppy: number; notPoppy: number }; reviewers: string[] }; report: { currentVersion: string; gate: { sites: number; candidate: { recall: number; falseSites: number }; current: { recall: number; falseSites: number } }; synthetic: { reason: string } } }> } };
    const v = body.aerial.versions[0];
    expect(v).toMatchObject({ version: '1.0.0+local.1', parentVersion: '1.0.0', createdBy: 'bootstrap-token', active: false, losesRecall: false });
    expect(v.summary.reviewers).toEqual(['toy-reviewer']);
    expect(v.report.currentVersion).toBe('1.0.0');
    // one of the two flights is the gate set, never trained on
    expect([8, 24]).toContain(v.report.gate.sites);
    expect(v.summary.trainSites.poppy + v.summary.trainSites.notPoppy + v.report.gate.sites).toBe(32);
    expect(v.report.gate.current.falseSites).toBeGreaterThan(0);
    expect(v.report.gate.candidate.falseSites).toBe(0);
    expect(v.report.gate.candidate.recall).toBe(1);
    expect(v.report.synthetic.reason).toMatch(/no synthetic evaluation cells/);
    const file = path.join(srv.store.blobs.models, '1.0.0+local.1.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.head.version).toBe('1.0.0+local.1');
    expect(saved.provenance.sites).toHaveLength(32);
    expect(saved.provenance.sites[0]).toMatchObject({ label: expect.stringMatching(/poppy/), decidedBy: 'toy-reviewer', decidedAt: expect.any(String) });
    const audit = (await (await srv.fetch('/api/audit?action=model_retrained')).json()) as { records: Array<{ details: { version: string } }> };
    expect(audit.records[0].details.version).toBe('1.0.0+local.1');
  });

  it('a second retraining is a new version; nothing is overwritten', async () => {
    const before = fs.readFileSync(path.join(srv.store.blobs.models, '1.0.0+local.1.json'), 'utf8');
    const job = await retrain();
    expect(job.version).toBe('1.0.0+local.2');
    expect(fs.readFileSync(path.join(srv.store.blobs.models, '1.0.0+local.1.json'), 'utf8')).toBe(before);
  });

  it('promotes: pending sites are re-scored from their cell features, detections keep theirs; rollback restores', async () => {
    const original = pending.map((p) => p.score);
    const r = await srv.fetch('/api/models/aerial/1.0.0+local.1/promote', { method: 'POST' });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { active: string; previous: string; rescored: { sites: number; belowMinScore: number; withoutFeatures: number } };
    expect(body).toMatchObject({ active: '1.0.0+local.1', previous: '1.0.0' });
    expect(body.rescored).toEqual({ sites: pending.length, belowMinScore: 3, withoutFeatures: 0 });
    for (const [i, p] of pending.entries()) {
      const site = (await srv.store.sites.get(p.site.id))!;
      const det = (await srv.store.detections.get(p.detection.id))!;
      expect(det.modelVersion).toBe(TOY_MODEL_VERSION);
      expect(det.score).toBe(original[i]);
      expect(site.status).toBe('pending');
      // poppy sites (even i) stay above the score, look-alikes fall below it
      if (i % 2 === 0) expect(site.score).toBeGreaterThan(0.6);
      else expect(site.score).toBeLessThan(0.6);
    }
    const scoredBy = await srv.store.sql.all('SELECT DISTINCT scored_by FROM sites WHERE id IN (' + pending.map(() => '?').join(', ') + ')', pending.map((p) => p.site.id));
    expect(scoredBy).toEqual([{ scored_by: `${TOY_NAME}-1.0.0+local.1` }]);
    expect(((await (await srv.fetch('/api/models')).json()) as { aerial: { active: string } }).aerial.active).toBe('1.0.0+local.1');

    expect((await srv.fetch('/api/models/aerial/1.0.0+local.1/promote', { method: 'POST' })).status).toBe(409);
    const back = await srv.fetch('/api/models/aerial/1.0.0/promote', { method: 'POST' });
    expect(back.status).toBe(200);
    for (const [i, p] of pending.entries()) expect((await srv.store.sites.get(p.site.id))!.score).toBeCloseTo(original[i], 6);
    const audit = (await (await srv.fetch('/api/audit?action=model_promoted')).json()) as { records: Array<{ before: { version: string }; after: { version: string }; details: { rollback: boolean } }> };
    expect(audit.records.map((a) => [a.before.version, a.after.version, a.details.rollback])).toEqual([
      ['1.0.0+local.1', '1.0.0', true],
      ['1.0.0', '1.0.0+local.1', false],
    ]);
  });

  it('a version trained for another network is neither active nor promotable', async () => {
    expect((await srv.fetch('/api/models/aerial/1.0.0+local.2/promote', { method: 'POST' })).status).toBe(200);
    await srv.store.sql.run("UPDATE model_versions SET base_sha256 = ? WHERE version = '1.0.0+local.1'", ['e'.repeat(64)]);
    const body = (await (await srv.fetch('/api/models')).json()) as { aerial: { active: string; versions: Array<{ version: string; compatible: boolean }> } };
    expect(body.aerial.active).toBe('1.0.0+local.2');
    expect(body.aerial.versions.find((v) => v.version === '1.0.0+local.1')!.compatible).toBe(false);
    const r = await srv.fetch('/api/models/aerial/1.0.0+local.1/promote', { method: 'POST' });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe('model_version_incompatible');
    // the installed network replaced under a promoted version: the shipped head is active again
    await srv.store.sql.run("UPDATE model_versions SET base_sha256 = ? WHERE version = '1.0.0+local.2'", ['e'.repeat(64)]);
    expect(((await (await srv.fetch('/api/models')).json()) as { aerial: { active: string } }).aerial.active).toBe('1.0.0');
  });

  it('answers bad versions clearly', async () => {
    const unknown = await srv.fetch('/api/models/aerial/9.9.9+local.7/promote', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/9\.9\.9\+local\.7 does not exist/);
    expect((await srv.fetch('/api/models/aerial/..%2Fx/promote', { method: 'POST' })).status).toBe(400);
    expect((await srv.fetch('/api/models/aerial/retrain/not-a-uuid')).status).toBe(400);
    expect((await srv.fetch('/api/models/aerial/retrain/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses to retrain with nothing reviewed', async () => {
    const empty = await startTestServer({ env: { POPPY_AERIAL_MODEL: writeToyManifest(tempDataDir('poppy-toy-model-')) } });
    try {
      const r = await empty.fetch('/api/models/aerial/retrain', { method: 'POST' });
      let { job } = (await r.json()) as { job: Job };
      for (let i = 0; i < 100 && job.state === 'running'; i++) {
        await new Promise((res) => setTimeout(res, 20));
        job = ((await (await empty.fetch(`/api/models/aerial/retrain/${job.id}`)).json()) as { job: Job }).job;
      }
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('nothing_to_learn');
    } finally {
      await empty.close();
    }
  });
});
