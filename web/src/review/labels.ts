import type { ModelLabel } from '../api/types.js';
import type { Lang } from '../i18n/index.js';

/** A model label id in the UI language (names come from /api/config model labels). */
export function labelName(id: string, labels: ModelLabel[], lang: Lang): string {
  const l = labels.find((x) => x.id === id);
  return l ? l[lang] : id;
}
