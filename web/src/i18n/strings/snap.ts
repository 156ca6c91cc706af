import type { Entry } from '../index.js';

export const snapStrings: Record<string, Entry> = {
};
