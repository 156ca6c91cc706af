import type { SiteStatus } from '../api/types.js';

export const statusColor: Record<SiteStatus, string> = {
  pending: '#e39b00',
  confirmed: '#c8102e',
  rejected: '#6b7b8c',
};

/** Stronger fill for higher scores, so likely sites stand out in a crowd. */
export function scoreOpacity(score: number): number {
  return 0.25 + 0.7 * Math.max(0, Math.min(1, score));
}
