// Review keyboard: Y confirm, N reject, → or Space next, ← previous, U undo.
export type ReviewAction = 'confirm' | 'reject' | 'next' | 'previous' | 'undo';

const byKey: Record<string, ReviewAction> = {
  y: 'confirm',
  n: 'reject',
  u: 'undo',
  ArrowRight: 'next',
  ' ': 'next',
  Spacebar: 'next',
  ArrowLeft: 'previous',
};

/** True while the user types somewhere: then review keys must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
  if (tag !== 'input') return false;
  const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
}

export function reviewActionFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): ReviewAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (isTypingTarget(e.target)) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return byKey[key] ?? null;
}
