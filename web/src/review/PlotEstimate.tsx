import { t } from '../i18n/index.js';

/** Case bands by plants (China): under 500 administrative, 500+ criminal, 3,000+ aggravated. */
export const CASE_BANDS = [
  { key: 'admin', from: 0 },
  { key: 'criminal', from: 500 },
  { key: 'aggravated', from: 3000 },
] as const;

export function caseBand(heads: number): (typeof CASE_BANDS)[number]['key'] {
  return [...CASE_BANDS].reverse().find((b) => heads >= b.from)!.key;
}

/** The aerial model's estimate of a plot, worded as an estimate and set against the bands that decide the case. */
export function PlotEstimate({ areaM2, estimatedHeads }: { areaM2?: number | null; estimatedHeads?: number | null }) {
  if (estimatedHeads == null) return null;
  const band = caseBand(estimatedHeads);
  return (
    <section className="plot-estimate" data-testid="plot-estimate">
      <h3>{t('plot.title')}</h3>
      <p>
        <strong data-testid="plot-heads">{t('plot.heads', { n: estimatedHeads.toLocaleString() })}</strong>
        {areaM2 != null && <span className="muted"> · {t('plot.area', { area: areaM2.toFixed(1) })}</span>}
      </p>
      <ul className="plot-bands">
        {CASE_BANDS.map((b) => (
          <li key={b.key} className={b.key === band ? 'current' : undefined} data-band={b.key}>
            {t(`plot.band.${b.key}`)}
            {b.key === band && <em> — {t('plot.band.here')}</em>}
          </li>
        ))}
      </ul>
      <p className="muted small">{t('plot.caveat')}</p>
    </section>
  );
}
