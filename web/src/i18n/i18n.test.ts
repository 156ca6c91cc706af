import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allKeys, hasKey, t } from './index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('i18n dictionary', () => {
  it('has a non-empty English and Simplified Chinese text for every key', () => {
    const missing = allKeys().filter((k) => !t(k, undefined, 'en').trim() || !t(k, undefined, 'zh').trim() || t(k, undefined, 'zh') === k);
    expect(missing).toEqual([]);
    expect(allKeys().length).toBeGreaterThan(50);
  });

  it('uses the same {placeholders} in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const mismatched = allKeys().filter(
      (k) => JSON.stringify(names(t(k, undefined, 'en'))) !== JSON.stringify(names(t(k, undefined, 'zh'))),
    );
    expect(mismatched).toEqual([]);
  });

  it('knows every literal key the UI asks for', () => {
    const root = join(import.meta.dirname, '..');
    const used = new Set<string>();
    for (const file of sources(root)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !hasKey(k))).toEqual([]);
  });

  it('knows the keys built from statuses', () => {
    const dynamic = [
      ...['pending', 'confirmed', 'rejected'].map((s) => `review.status.${s}`),
      ...['empty', 'queued', 'processing', 'done', 'failed'].map((s) => `flights.status.${s}`),
      ...['queued', 'uploading', 'done', 'duplicate', 'rejected', 'failed'].map((s) => `flights.upload.state.${s}`),
      ...['admin', 'operator', 'officer', 'reviewer'].map((r) => `common.role.${r}`),
      ...['geojson', 'kml', 'csv', 'gpx'].map((f) => `review.export.${f}`),
    ];
    expect(dynamic.filter((k) => !hasKey(k))).toEqual([]);
  });

  it('fills placeholders', () => {
    expect(t('review.detail.position', { n: 3, total: 10 }, 'en')).toBe('3 of 10');
    expect(t('review.detail.position', { n: 3, total: 10 }, 'zh')).toBe('第 3 / 10 个');
  });
});
