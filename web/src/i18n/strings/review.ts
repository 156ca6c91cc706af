import type { Entry } from '../index.js';

export const reviewStrings: Record<string, Entry> = {
};
