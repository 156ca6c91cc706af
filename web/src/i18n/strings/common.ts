import type { Entry } from '../index.js';

export const commonStrings: Record<string, Entry> = {
};
