import { t } from '../i18n/index.js';
import type { Visibility } from '../api/types.js';

export type { Visibility } from '../api/types.js';

/** The server's visibility verdict worded in the reader's language from its numbers. */
export function visibilityText(v: Visibility): string {
  if (v.level === 'unknown' || v.gsdCmPerPx == null || v.flowerPx == null) return t('flights.see.unknown');
  const px = v.flowerPx < 2 ? t('flights.see.under2') : t('flights.see.aboutPx', { px: v.flowerPx });
  const size = t('flights.see.size', { gsd: v.gsdCmPerPx, cm: v.flowerCm, px });
  const advice =
    v.level === 'good'
      ? t('flights.see.fine', { model: v.modelGsdCmPerPx })
      : v.flyBelowM != null
        ? t('flights.see.flyBelow', { m: v.flyBelowM, model: v.modelGsdCmPerPx })
        : t('flights.see.flyLower', { model: v.modelGsdCmPerPx });
  return `${size} — ${advice}`;
}
