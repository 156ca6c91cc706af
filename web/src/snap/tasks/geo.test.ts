import { describe, expect, it } from 'vitest';
import { niceTicks } from '../../dashboard/BarChart.js';
import { seasonQuery } from '../../dashboard/DashboardPage.js';
import { setLang } from '../../i18n/index.js';
import { amapUri, baiduUri, compassPoint, distanceBearing, geoUri, sortTasks, toGcj02 } from './geo.js';
import { visitProblem } from './VisitForm.js';

describe('task geometry and map links', () => {
  it('gives distance and bearing from the phone', () => {
    const here = { lat: 25.0, lon: 102.7 };
    const north = distanceBearing(here, { lat: 25.001, lon: 102.7 });
    expect(north.distanceM).toBeCloseTo(111.2, 0);
    expect(north.bearingDeg).toBeCloseTo(0, 3);
    const east = distanceBearing(here, { lat: 25.0, lon: 102.701 });
    expect(east.distanceM).toBeCloseTo(100.9, 0);
    expect(compassPoint(east.bearingDeg)).toBe('E');
    expect(compassPoint(distanceBearing(here, { lat: 24.999, lon: 102.699 }).bearingDeg)).toBe('SW');
  });

  it('sorts nearest first with a position, by due date without', () => {
    const tasks = [
      { siteId: 1, lat: 25.01, lon: 102.7, dueDate: '2027-01-01' },
      { siteId: 2, lat: 25.001, lon: 102.7, dueDate: null },
      { siteId: 3, lat: 25.1, lon: 102.7, dueDate: '2026-12-01' },
    ];
    expect(sortTasks(tasks, { lat: 25, lon: 102.7 }).map((t) => t.siteId)).toEqual([2, 1, 3]);
    expect(sortTasks(tasks, null).map((t) => t.siteId)).toEqual([3, 1, 2]);
  });

  it('links to geo: with WGS-84 and to AutoNavi/Baidu with GCJ-02', () => {
    const p = { lat: 25.04, lon: 102.7 };
    expect(geoUri(p, 'Site #4')).toBe('geo:25.040000,102.700000?q=25.040000,102.700000(Site%20%234)');
    const g = toGcj02(p);
    expect(g.lon - p.lon).toBeGreaterThan(0.001);
    expect(amapUri(p, 'x')).toContain(`position=${g.lon.toFixed(6)},${g.lat.toFixed(6)}`);
    expect(amapUri(p, 'x')).toContain('coordinate=gaode');
    expect(baiduUri(p, 'x')).toContain(`location=${g.lat.toFixed(6)},${g.lon.toFixed(6)}`);
    expect(baiduUri(p, 'x')).toContain('coord_type=gcj02');
  });
});

describe('visit form rules', () => {
  it('asks for what the server needs', () => {
    setLang('en');
    expect(visitProblem('eradicated', '', '', 1)).toMatch(/how many plants/);
    expect(visitProblem('eradicated', '12', '', 0)).toMatch(/photo/);
    expect(visitProblem('eradicated', '1.5', '', 1)).toMatch(/whole number/);
    expect(visitProblem('not_found', '', '', 1)).toMatch(/note/);
    expect(visitProblem('not_poppy', '', 'corn poppy', 1)).toBeNull();
    expect(visitProblem('visited', '', '', 0)).toBeNull();
    expect(visitProblem('eradicated', '30', '', 2)).toBeNull();
  });
});

describe('dashboard helpers', () => {
  it('round chart ticks and the filter query', () => {
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(0.8)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(seasonQuery({ from: '2026-04-01', to: '', flight: '3' })).toBe('?from=2026-04-01&flight=3');
    expect(seasonQuery({ from: '', to: '', flight: '' })).toBe('');
  });
});
