// Every UI string goes through t(): one dictionary, assembled from per-area string files.
import { reviewStrings } from './strings/review.js';
import { snapStrings } from './strings/snap.js';
import { commonStrings } from './strings/common.js';
import { fieldStrings } from './strings/field.js';
import { errorStrings } from './strings/errors.js';
import { adminStrings } from './strings/admin.js';
import { helpStrings } from './strings/help.js';
import { plotStrings } from './strings/plot.js';
import { modelStrings } from './strings/models.js';

import type { Entry, Lang } from './entry.js';

export type { Entry, Lang } from './entry.js';

const dictionary: Record<string, Entry> = { ...commonStrings, ...errorStrings, ...adminStrings, ...helpStrings, ...reviewStrings, ...snapStrings, ...fieldStrings, ...plotStrings, ...modelStrings };

const STORAGE_KEY = 'poppywatch.lang';
let current: Lang = detectLang();
const listeners = new Set<(lang: Lang) => void>();

function detectLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
    return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  } catch {
    return 'en';
  }
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  globalThis.document?.documentElement.setAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
  listeners.forEach((fn) => fn(lang));
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Looks up a key; `{name}` placeholders are filled from vars. An unknown key is returned as is (and is a bug). */
export function t(key: string, vars?: Record<string, string | number>, lang: Lang = current): string {
  const entry = dictionary[key];
  let text = entry ? entry[lang] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

export function hasKey(key: string): boolean {
  return key in dictionary;
}

export function allKeys(): string[] {
  return Object.keys(dictionary);
}
