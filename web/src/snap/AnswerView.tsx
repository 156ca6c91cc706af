import { useEffect, useRef } from 'react';
import { t } from '../i18n/index.js';
import type { SnapAnswer } from './types.js';

const pct = (x: number) => Math.round(x * 1000) / 10;

/** The verdict screen: what the model thinks, how sure, what it resembles, and what the officer does next. */
export function AnswerView({ answer, onNew }: { answer: SnapAnswer; onNew: () => void }) {
  const { verdict, location } = answer;
  const banner = useRef<HTMLDivElement>(null);
  // the officer pressed "send" at the bottom of a long form: bring the verdict itself into view
  useEffect(() => {
    banner.current?.scrollIntoView?.({ block: 'start' });
    banner.current?.focus({ preventScroll: true });
  }, [answer.id]);
  return (
    <section className={`snap-answer verdict-${verdict}`} aria-live="polite" data-testid="snap-answer" data-verdict={verdict}>
      <div className="verdict-banner" role="status" ref={banner} tabIndex={-1} data-testid="verdict-banner">
        <span className="verdict-icon" aria-hidden="true">
          {verdict === 'poppy' ? '!' : verdict === 'uncertain' ? '?' : '✓'}
        </span>
        <h1 className="verdict-words">{t(`snap.verdict.${verdict}`)}</h1>
      </div>

      <div className="confidence">
        <p>
          <strong data-testid="poppy-score">{t('snap.confidence', { pct: pct(answer.poppyScore) })}</strong>
        </p>
        <div className="meter" aria-hidden="true">
          <div className="meter-fill" style={{ width: `${Math.min(100, answer.poppyScore * 100)}%` }} />
          <div className="meter-mark low" style={{ left: `${answer.thresholds.uncertainLow * 100}%` }} />
          <div className="meter-mark high" style={{ left: `${answer.thresholds.poppy * 100}%` }} />
        </div>
        <p className="hint">{t('snap.confidence.scale', { poppy: pct(answer.thresholds.poppy), low: pct(answer.thresholds.uncertainLow) })}</p>
      </div>

      <h2>{t('snap.next.title')}</h2>
      <ol className="advice">
        {answer.advice.map((a) => (
          <li key={a}>{t(`snap.advice.${a}`)}</li>
        ))}
      </ol>

      <h2>{t('snap.lookalikes.title')}</h2>
      <ol className="lookalikes" data-testid="lookalikes">
        {answer.top.map((l) => (
          <li key={l.label}>
            <span className="names">
              <span lang="en">{l.en}</span> · <span lang="zh-CN">{l.zh}</span>
            </span>
            <span className="score">{pct(l.score)}%</span>
            {l.poppy && <span className="tag">{t('snap.lookalikes.countsAsPoppy')}</span>}
          </li>
        ))}
      </ol>

      <details className="explain" open={verdict === 'uncertain'}>
        <summary>{t('snap.uncertain.title')}</summary>
        <p>{t('snap.uncertain.body')}</p>
      </details>
      <details className="explain" open={verdict !== 'uncertain'}>
        <summary>{t('snap.limits.title')}</summary>
        <p>{t('snap.limits.body')}</p>
      </details>

      <p className="where" data-testid="answer-location" data-source={location.source}>
        {t(`snap.answer.location.${location.source}`, { lat: location.lat.toFixed(6), lon: location.lon.toFixed(6) })}
        {location.accuracyM != null && <> {t('snap.answer.accuracy', { m: Math.round(location.accuracyM) })}</>}
      </p>
      {answer.note && <p className="where">{t('snap.answer.yourNote', { note: answer.note })}</p>}
      <p className="where">{t('snap.answer.site', { id: answer.siteId })}</p>
      <p className="hint">{t('snap.answer.model', { name: answer.model.name, version: answer.model.version })}</p>

      <button type="button" className="primary big" onClick={onNew}>
        {t('snap.answer.new')}
      </button>
    </section>
  );
}
