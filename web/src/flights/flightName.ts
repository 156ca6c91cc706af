import type { Flight } from '../api/types.js';
import { t } from '../i18n/index.js';

/** The demo flight is named in the reader's language; other flights keep the name their operator gave. */
export function flightDisplayName(f: Pick<Flight, 'name' | 'isDemo'>): string {
  return f.isDemo ? t('flights.demoName') : f.name;
}
