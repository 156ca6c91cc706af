import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, errorText } from './errors.js';
import { hasKey, setLang } from './index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

describe('server error codes in the reader\'s language', () => {
  it('every code the server answers with has a translation', () => {
    const server = join(import.meta.dirname, '..', '..', '..', 'server', 'src');
    const codes = new Set<string>();
    for (const file of sources(server)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/HttpError\(\s*\d+,\s*'([a-z_]+)'|\berror: '([a-z_]+)'|\bcode: '([a-z_]+)'/g)) codes.add(m[1] ?? m[2] ?? m[3]);
    }
    expect(codes.size).toBeGreaterThan(30);
    const exempt = new Set(['custom']); // zod's issue code, not an API answer
    expect([...codes].filter((c) => !exempt.has(c) && !hasKey(`error.${c}`)).sort()).toEqual([]);
  });

  it('translates a code, keeps the server sentence for codes it does not know', () => {
    setLang('zh');
    expect(errorText('unsupported_type', 'Not a JPEG, PNG, TIFF or WebP image (it looks like text)')).toBe('不是 JPEG、PNG、TIFF 或 WebP 图像。');
    expect(errorOf({ code: 'too_many_attempts', message: 'Too many failed sign-ins' })).toBe('尝试次数过多，请稍候一分钟再试。');
    expect(errorText('something_new', 'A new problem')).toBe('A new problem');
    setLang('en');
    expect(errorText('username_taken', 'a user named "ada" already exists')).toBe('a user named "ada" already exists');
    expect(errorText('username_taken', '')).toBe('This user name is already taken.');
  });
});
