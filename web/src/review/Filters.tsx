import type { Flight } from '../api/types.js';
import { t } from '../i18n/index.js';
import { DateInput } from '../i18n/DateInput.js';
import { flightDisplayName } from '../flights/flightName.js';
import { useLang } from '../i18n/useLang.js';
import type { QueueFilters, StatusFilter } from './queue.js';

interface Props {
  filters: QueueFilters;
  onChange: (f: QueueFilters) => void;
  flights: Flight[];
  counts: Record<StatusFilter, number>;
}

const statuses: StatusFilter[] = ['pending', 'confirmed', 'rejected', 'all'];

export function Filters({ filters, onChange, flights, counts }: Props) {
  useLang();
  const set = <K extends keyof QueueFilters>(k: K, v: QueueFilters[K]) => onChange({ ...filters, [k]: v });
  return (
    <form className="filters" aria-label={t('review.filters.label')} onSubmit={(e) => e.preventDefault()}>
      <div className="status-tabs" role="radiogroup" aria-label={t('review.filters.status')}>
        {statuses.map((s) => (
          <label key={s} className={filters.status === s ? 'tab active' : 'tab'}>
            <input type="radio" name="status" value={s} checked={filters.status === s} onChange={() => set('status', s)} />
            {t(s === 'all' ? 'review.filters.all' : `review.status.${s}`)} <span className="count" data-testid={`count-${s}`}>{counts[s]}</span>
          </label>
        ))}
      </div>
      <label>
        {t('review.filters.flight')}
        <select value={filters.flight} onChange={(e) => set('flight', e.target.value)}>
          <option value="">{t('review.filters.allFlights')}</option>
          {flights.map((f) => (
            <option key={String(f.id)} value={String(f.id)}>
              {flightDisplayName(f)}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <label>
          {t('review.filters.minScore')}
          <input
            type="number"
            min={0}
            max={100}
            step={5}
            value={Math.round(filters.minScore * 100)}
            onChange={(e) => set('minScore', clampPct(e.target.value, 0))}
          />
        </label>
        <label>
          {t('review.filters.maxScore')}
          <input
            type="number"
            min={0}
            max={100}
            step={5}
            value={Math.round(filters.maxScore * 100)}
            onChange={(e) => set('maxScore', clampPct(e.target.value, 100))}
          />
        </label>
      </div>
      <div className="row">
        <label>
          {t('review.filters.from')}
          <DateInput value={filters.from} onChange={(v) => set('from', v)} name="from" />
        </label>
        <label>
          {t('review.filters.to')}
          <DateInput value={filters.to} onChange={(v) => set('to', v)} name="to" />
        </label>
      </div>
    </form>
  );
}

function clampPct(value: string, fallback: number): number {
  const n = Number(value);
  return Math.max(0, Math.min(100, Number.isFinite(n) && value !== '' ? n : fallback)) / 100;
}
