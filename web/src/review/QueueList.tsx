import { useEffect, useRef, useState } from 'react';
import type { Id, SiteFeature } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatScore } from './format.js';

interface Props {
  queue: SiteFeature[];
  index: number;
  onSelect: (id: Id) => void;
  conflictIds: Set<string>;
}

const ROW = 34;
const OVERSCAN = 8;

/** The queue, windowed: only the rows in view are in the DOM, so 10,000 sites stay cheap. */
export function QueueList({ queue, index, onSelect, conflictIds }: Props) {
  useLang();
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 600);
    measure();
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : null;
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);

  // Keep the current row in view as the reviewer moves with the keyboard.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const top = index * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
  }, [index]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(queue.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const rows = queue.slice(first, last);

  return (
    <div className="queue" ref={box} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} aria-label={t('review.queue.label')}>
      {queue.length === 0 ? (
        <p className="muted empty">{t('review.queue.empty')}</p>
      ) : (
        <ol style={{ height: queue.length * ROW, position: 'relative' }} data-testid="queue">
          {rows.map((s, i) => {
            const n = first + i;
            const p = s.properties;
            return (
              <li key={String(p.id)} style={{ position: 'absolute', top: n * ROW, height: ROW, left: 0, right: 0 }}>
                <button
                  type="button"
                  className={`queue-row${n === index ? ' current' : ''}`}
                  aria-current={n === index ? 'true' : undefined}
                  onClick={(e) => {
                    onSelect(p.id);
                    e.currentTarget.blur();
                  }}
                  data-testid="queue-row"
                >
                  <span className={`dot status-${p.status}`} aria-hidden="true" />
                  <span className="queue-id">#{String(p.id)}</span>
                  <span className="queue-score">{formatScore(p.score)}</span>
                  <span className="queue-status">{t(`review.status.${p.status}`)}</span>
                  {conflictIds.has(String(p.id)) && <span className="badge status-conflict">{t('review.conflict.short')}</span>}
                  {p.source === 'phone' && <span className="badge">{t('review.queue.phone')}</span>}
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
