import type { Conflict } from './controller.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatTime } from './format.js';

interface Props {
  conflict: Conflict;
  onKeepTheirs: () => void;
  onApplyMine: () => void;
  onShow?: () => void;
}

/** A 409 on a review: someone else decided first. Shows both decisions; nothing is overwritten without a click. */
export function ConflictNotice({ conflict, onKeepTheirs, onApplyMine, onShow }: Props) {
  const lang = useLang();
  const c = conflict.current;
  return (
    <div className="notice notice-conflict" role="alert" data-testid="conflict">
      <strong data-testid="conflict-title">
        {conflict.by ? t('review.conflict.titleBy', { id: String(conflict.siteId), who: conflict.by }) : t('review.conflict.title', { id: String(conflict.siteId) })}
      </strong>
      <p>
        {t('review.conflict.body', {
          mine: t(`review.status.${conflict.mine}`),
          theirs: t(`review.status.${c.status}`),
        })}
      </p>
      <dl className="conflict-current">
        <dt>{t('review.conflict.currentStatus')}</dt>
        <dd>
          <span className={`badge status-${c.status}`}>{t(`review.status.${c.status}`)}</span>
        </dd>
        {c.note ? (
          <>
            <dt>{t('review.detail.note')}</dt>
            <dd>{c.note}</dd>
          </>
        ) : null}
        <dt>{t('review.conflict.version')}</dt>
        <dd>{c.version}</dd>
        {conflict.by ? (
          <>
            <dt>{t('review.conflict.by')}</dt>
            <dd data-testid="conflict-by">{conflict.by}</dd>
          </>
        ) : null}
        {conflict.at ? (
          <>
            <dt>{t('review.detail.time')}</dt>
            <dd>{formatTime(conflict.at, lang)}</dd>
          </>
        ) : null}
      </dl>
      <div className="actions">
        {onShow && (
          <button type="button" onClick={onShow}>
            {t('review.conflict.show')}
          </button>
        )}
        <button type="button" onClick={onKeepTheirs}>
          {t('review.conflict.keepTheirs')}
        </button>
        <button type="button" className="danger" onClick={onApplyMine}>
          {t('review.conflict.applyMine', { mine: t(`review.status.${conflict.mine}`) })}
        </button>
      </div>
    </div>
  );
}
