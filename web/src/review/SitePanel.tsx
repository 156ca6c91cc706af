import { useState } from 'react';
import type { ModelLabel, SiteDetail, SiteFeature } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatCoord, formatScore, formatTime } from './format.js';
import { FrameWithBox } from './FrameWithBox.js';
import { labelName } from './labels.js';
import { ZoomViewer } from './ZoomViewer.js';
import { PlotEstimate } from './PlotEstimate.js';

interface Props {
  site: SiteFeature;
  detail: SiteDetail | null;
  labels: ModelLabel[];
  flightName: string | null;
  note: string;
  onNote: (note: string) => void;
  position: { index: number; total: number };
  /** the full-resolution viewer is open (it follows the reviewer from site to site) */
  zoomOpen?: boolean;
  onZoom?: (open: boolean) => void;
}

/** Everything a reviewer needs to decide one site. The summary renders from the queue at once; details follow. */
export function SitePanel({ site, detail, labels, flightName, note, onNote, position, zoomOpen = false, onZoom }: Props) {
  const lang = useLang();
  const p = site.properties;
  const [lon, lat] = site.geometry.coordinates;
  const [chosen, setChosen] = useState(0);
  const detections = detail?.detections ?? [];
  const shown = detections[Math.min(chosen, detections.length - 1)];
  const top = detail?.top ?? [];

  return (
    <article className="site-panel" data-testid="site-panel" data-site-id={String(p.id)} aria-labelledby="site-title">
      <header className="site-head">
        <h2 id="site-title">
          {t('review.detail.title', { id: String(p.id) })}
          <span className={`badge status-${p.status}`} data-testid="site-status">
            {t(`review.status.${p.status}`)}
          </span>
        </h2>
        <span className="muted">{t('review.detail.position', { n: position.index + 1, total: position.total })}</span>
      </header>

      <div className="score-line">
        <span className="score-big" data-testid="site-score">
          {formatScore(p.score)}
        </span>
        <span className="score-bar" aria-hidden="true">
          <span style={{ width: `${Math.round(p.score * 100)}%` }} />
        </span>
        <span className="muted">{t('review.detail.poppyScore')}</span>
      </div>

      <PlotEstimate areaM2={p.areaM2} estimatedHeads={p.estimatedHeads} />

      {p.source === 'phone' && (
        <section className="phone">
          <h3>{t('review.detail.phonePhoto')}</h3>
          {detail?.photoUrl ? <img className="frame" src={detail.photoUrl} alt={t('review.detail.phonePhoto')} /> : null}
          {detail?.snapNote && (
            <p className="snap-note" data-testid="officer-note">
              <span className="muted">{t('review.detail.officerNote')}:</span> {detail.snapNote}
            </p>
          )}
        </section>
      )}

      {detections.length > 0 && (
        <section>
          <h3>{t('review.detail.crops', { n: detections.length })}</h3>
          <div className="crops" role="list">
            {detections.map((d, i) => (
              <button
                key={String(d.id)}
                type="button"
                role="listitem"
                className={i === chosen ? 'crop selected' : 'crop'}
                onClick={() => {
                  setChosen(i);
                  onZoom?.(true);
                }}
                aria-label={t('review.detail.cropLabel', { n: i + 1, score: formatScore(d.score) })}
              >
                <img src={d.cropUrl} alt="" width={96} height={96} />
                <span>{formatScore(d.score)}</span>
              </button>
            ))}
          </div>
        </section>
      )}

      {shown && shown.imageId != null && p.source !== 'phone' && (
        <section>
          <h3>{t('review.detail.frame', { name: shown.imageName ?? String(shown.imageId) })}</h3>
          <button type="button" className="frame-button" onClick={() => onZoom?.(true)} title={t('review.zoom.open')} data-testid="open-zoom">
            <FrameWithBox detection={shown} />
          </button>
        </section>
      )}
      {!detail && <p className="muted">{t('common.loading')}</p>}
      {zoomOpen && shown && shown.imageId != null && (
        <ZoomViewer key={String(shown.id)} detection={shown} outline={detail?.outline ?? null} onClose={() => onZoom?.(false)} />
      )}

      <dl className="facts">
        {top.length > 0 && (
          <>
            <dt>{t('review.detail.labels')}</dt>
            <dd>
              <ul className="labels">
                {top.slice(0, 3).map((l) => (
                  <li key={l.label}>
                    {labelName(l.label, labels, lang)} <span className="muted">{formatScore(l.score)}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        <dt>{t('review.detail.coordinates')}</dt>
        <dd data-testid="site-coords">
          {formatCoord(lat, lon)} <span className="muted">± {Math.round(p.errorRadiusM * 10) / 10} m</span>
        </dd>
        <dt>{t('review.detail.time')}</dt>
        <dd>{formatTime(shown?.capturedAt ?? p.firstSeenAt, lang)}</dd>
        <dt>{t('review.detail.flight')}</dt>
        <dd>{p.source === 'phone' ? t('review.detail.phoneSource') : (flightName ?? detail?.flightName ?? String(p.flightId ?? '—'))}</dd>
        <dt>{t('review.detail.frames')}</dt>
        <dd>{p.frames}</dd>
        <dt>{t('review.detail.model')}</dt>
        <dd>{p.modelVersion}</dd>
      </dl>

      {detail && detail.history.length > 0 && (
        <section>
          <h3>{t('review.detail.history')}</h3>
          <ol className="history">
            {detail.history.map((h, i) => (
              <li key={i}>
                <span className="muted">{formatTime(h.at, lang)}</span> {h.user ?? ''}{' '}
                {h.from ? `${t(`review.status.${h.from}`)} → ` : ''}
                {t(`review.status.${h.decision}`)}
                {h.note ? ` — ${h.note}` : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
      <label className="note-field">
        {t('review.detail.note')}
        <textarea
          value={note}
          onChange={(e) => onNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.target as HTMLTextAreaElement).blur();
          }}
          placeholder={t('review.detail.notePlaceholder')}
          rows={2}
          data-testid="note"
        />
      </label>

    </article>
  );
}
