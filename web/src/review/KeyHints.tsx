import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import type { ReviewController } from './controller.js';

interface Props {
  canReview: boolean;
  canUndo: boolean;
  controller: ReviewController;
}

/** The review buttons, each with its key, so mouse users learn the keys. */
export function KeyHints({ canReview, canUndo, controller }: Props) {
  useLang();
  const blurAfter = (fn: () => void) => (e: React.MouseEvent<HTMLButtonElement>) => {
    fn();
    e.currentTarget.blur(); // keep Space for "next", not for pressing this button again
  };
  return (
    <div className="key-hints" role="toolbar" aria-label={t('review.keys.label')}>
      <button type="button" className="confirm" disabled={!canReview} onClick={blurAfter(() => controller.decide('confirmed'))}>
        <kbd>Y</kbd> {t('review.keys.confirm')}
      </button>
      <button type="button" className="reject" disabled={!canReview} onClick={blurAfter(() => controller.decide('rejected'))}>
        <kbd>N</kbd> {t('review.keys.reject')}
      </button>
      <button type="button" onClick={blurAfter(() => controller.previous())}>
        <kbd>←</kbd> {t('review.keys.previous')}
      </button>
      <button type="button" onClick={blurAfter(() => controller.next())}>
        <kbd>→</kbd>/<kbd>Space</kbd> {t('review.keys.next')}
      </button>
      <button type="button" disabled={!canReview || !canUndo} onClick={blurAfter(() => controller.undo())}>
        <kbd>U</kbd> {t('review.keys.undo')}
      </button>
    </div>
  );
}
