/** A UI language and one dictionary entry; the string files under strings/ import this, index.ts assembles them. */
export type Lang = 'en' | 'zh';
export type Entry = { en: string; zh: string };
