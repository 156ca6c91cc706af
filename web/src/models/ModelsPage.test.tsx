import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../i18n/index.js';
import { ModelsPage, type LocalVersion, type ModelsAnswer } from './ModelsPage.js';

const figures = (found: number, positives: number, falseSites: number, negatives: number) => ({
  positives, negatives, found, falseSites, recall: positives ? found / positives : null, precision: found + falseSites ? found / (found + falseSites) : null,
});

function version(v: string, o: Partial<LocalVersion> = {}): LocalVersion {
  return {
    version: v,
    parentVersion: '1.0.0',
    createdAt: '2026-12-03T04:00:00.000Z',
    createdBy: 'ada',
    summary: { trainSites: { poppy: 12, notPoppy: 9 }, fieldChecked: 2, backgroundFrames: 14, reviewers: ['rita'] },
    report: {
      currentVersion: '1.0.0',
      gate: { sites: 6, candidate: figures(3, 3, 0, 3), current: figures(3, 3, 2, 3), losesRecall: false },
      synthetic: { candidate: figures(30, 31, 10, 61), current: figures(30, 31, 14, 61), losesRecall: false },
      losesRecall: false,
    },
    losesRecall: false,
    active: false,
    compatible: true,
    ...o,
  };
}

/** A fake /api/models server: one retraining that finishes on the second poll, promotions that switch the active one. */
function fakeServer() {
  const state: ModelsAnswer['aerial'] = { active: '1.0.0', shipped: { version: '1.0.0', createdAt: null, active: true }, versions: [], promotions: [], retrain: null };
  let polls = 0;
  const calls: string[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const job = (s: 'running' | 'done') => ({ id: '5b0c1f52-1111-4a4a-9999-000000000001', state: s, version: s === 'done' ? '1.0.0+local.1' : null, progress: { fraction: s === 'done' ? 1 : 0.4, message: 'iteration 3' }, error: null });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    calls.push(`${method} ${url}`);
    if (url === '/api/models') return json({ aerial: { ...state, shipped: { ...state.shipped, active: state.active === '1.0.0' }, versions: state.versions.map((v) => ({ ...v, active: v.version === state.active })) } });
    if (url === '/api/models/aerial/retrain' && method === 'POST') return json({ job: job('running') }, 202);
    if (url.startsWith('/api/models/aerial/retrain/')) {
      if (++polls < 2) return json({ job: job('running') });
      if (state.versions.length === 0) state.versions.push(version('1.0.0+local.1'), version('1.0.0+local.2', { createdAt: '2026-12-03T04:30:00.000Z', losesRecall: true, report: { ...version('x').report, synthetic: { candidate: figures(25, 31, 3, 61), current: figures(30, 31, 14, 61), losesRecall: true }, losesRecall: true } }));
      return json({ job: job('done') });
    }
    const m = /^\/api\/models\/aerial\/([^/]+)\/promote$/.exec(url);
    if (m && method === 'POST') {
      const to = decodeURIComponent(m[1]);
      state.promotions.unshift({ id: state.promotions.length + 1, version: to, previousVersion: state.active, at: '2026-12-03T05:00:00.000Z', username: 'ada', rescored: { sites: 7, belowMinScore: 3, withoutFeatures: 1 } });
      state.active = to;
      return json({ active: to, previous: state.promotions[0].previousVersion, rescored: { sites: 7, belowMinScore: 3, withoutFeatures: 1 } });
    }
    return json({ error: 'not_found', message: 'no' }, 404);
  });
  return { calls };
}

beforeEach(() => {
  setLang('en');
  vi.spyOn(window, 'confirm').mockReturnValue(true);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('ModelsPage', () => {
  it('retrains with progress, shows the versions side by side, promotes and rolls back', async () => {
    const { calls } = fakeServer();
    render(<ModelsPage pollMs={5} />);
    expect((await screen.findByTestId('active-version')).textContent).toBe('Active version: 1.0.0');
    expect(screen.getByText('The shipped version has been active since installation.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Retrain from reviews' }));
    expect((await screen.findByTestId('retrain-progress')).textContent).toContain('40 % — iteration 3');
    await screen.findByText('Version 1.0.0+local.1 is ready. Compare it below before promoting it.');

    const table = screen.getByTestId('versions');
    const heads = within(table).getAllByRole('columnheader').map((h) => h.getAttribute('data-version'));
    expect(heads).toEqual(['1.0.0+local.2', '1.0.0+local.1', '1.0.0']);
    expect(within(table).getAllByText('recall 1.00 · false sites 0/3 · precision 1.00')).toHaveLength(2);
    expect(within(table).getAllByText('was: recall 1.00 · false sites 2/3 · precision 0.60')).toHaveLength(2);
    expect(screen.getByTestId('verdict-1.0.0+local.2').textContent).toBe('Loses recall — finds fewer plots than the version it was compared with');
    expect(screen.getByTestId('verdict-1.0.0+local.1').textContent).toBe('Keeps recall');

    fireEvent.click(screen.getByTestId('promote-1.0.0+local.1'));
    await screen.findByText('1.0.0+local.1 is active. Pending sites re-scored: 7 (3 now below the score); 1 without stored features kept their score.');
    expect(calls).toContain('POST /api/models/aerial/1.0.0%2Blocal.1/promote');
    expect(screen.getByTestId('active-version').textContent).toBe('Active version: 1.0.0+local.1');
    // the shipped version is now a rollback; the newer one (which loses recall) asks twice
    expect(screen.getByTestId('promote-1.0.0').textContent).toBe('Roll back to this');
    fireEvent.click(screen.getByTestId('promote-1.0.0+local.2'));
    await waitFor(() => expect(window.confirm).toHaveBeenLastCalledWith('1.0.0+local.2 loses recall. Promote it anyway?'));
    await screen.findByText(/1\.0\.0\+local\.2 is active/);
    fireEvent.click(screen.getByTestId('promote-1.0.0'));
    await screen.findByText(/^1\.0\.0 is active/);
    expect(within(screen.getByTestId('promotions')).getAllByRole('listitem')[0].textContent).toMatch(/ada: 1\.0\.0\+local\.2 → 1\.0\.0; 7 pending sites re-scored/);
  });

  it('speaks Chinese', async () => {
    fakeServer();
    setLang('zh');
    render(<ModelsPage pollMs={5} />);
    expect((await screen.findByTestId('active-version')).textContent).toBe('当前使用版本：1.0.0');
    expect(screen.getByRole('button', { name: '根据审核结果重新训练' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: '航拍模型版本' })).toBeTruthy();
  });
});
