import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import type { Flight, SeasonFigures } from '../api/types.js';
import { t } from '../i18n/index.js';
import { BarChart } from './BarChart.js';
import './dashboard.css';

const COLORS = { found: '#5b7bd5', confirmed: '#c1121f', eradicated: '#2d6a4f', plants: '#2d6a4f', area: '#b45309' };
const ha = (m2: number) => Math.round(m2 / 100) / 100;

export function seasonQuery(f: { from: string; to: string; flight: string }): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.flight) q.set('flight', f.flight);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Season figures: sites found, confirmed, eradicated; plants eradicated; area flown — by week and by flight. */
export function DashboardPage({ flights }: { flights: Flight[] }) {
  const [filters, setFilters] = useState({ from: '', to: '', flight: '' });
  const [data, setData] = useState<SeasonFigures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = seasonQuery(filters);

  useEffect(() => {
    let live = true;
    api<SeasonFigures>(`/api/stats/season${query}`)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [query]);

  const weeks = data?.byWeek ?? [];
  const byFlight = data?.byFlight ?? [];
  const flightName = (f: SeasonFigures['byFlight'][number]) => f.flightName ?? (f.flightId == null ? t('dash.phoneSnaps') : `#${f.flightId}`);
  const sitesSeries = (rows: SeasonFigures['totals'][]) => [
    { name: t('dash.sitesFound'), color: COLORS.found, values: rows.map((r) => r.sitesFound) },
    { name: t('dash.sitesConfirmed'), color: COLORS.confirmed, values: rows.map((r) => r.sitesConfirmed) },
    { name: t('dash.sitesEradicated'), color: COLORS.eradicated, values: rows.map((r) => r.sitesEradicated) },
  ];

  return (
    <section className="dashboard" data-testid="dashboard">
      <header className="dashboard-head">
        <h1>{t('dash.title')}</h1>
        <label>
          {t('dash.from')} <input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} data-testid="dash-from" />
        </label>
        <label>
          {t('dash.to')} <input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} data-testid="dash-to" />
        </label>
        <label>
          {t('dash.flight')}{' '}
          <select value={filters.flight} onChange={(e) => setFilters({ ...filters, flight: e.target.value })} data-testid="dash-flight">
            <option value="">{t('dash.allFlights')}</option>
            {flights.map((f) => (
              <option key={f.id} value={String(f.id)}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <a className="button" href={`/api/stats/season.csv${query}`} download data-testid="dash-csv">
          {t('dash.csv')}
        </a>
      </header>
      {error && <p className="error">{t('common.error', { message: error })}</p>}
      {data && (
        <>
          <dl className="dashboard-totals" data-testid="dash-totals">
            {(
              [
                ['dash.sitesFound', data.totals.sitesFound],
                ['dash.sitesConfirmed', data.totals.sitesConfirmed],
                ['dash.sitesEradicated', data.totals.sitesEradicated],
                ['dash.plantsEradicated', data.totals.plantsEradicated],
                ['dash.areaFlown', ha(data.totals.areaFlownM2)],
              ] as const
            ).map(([k, v]) => (
              <div key={k}>
                <dt>{t(k)}</dt>
                <dd>{v.toLocaleString()}</dd>
              </div>
            ))}
          </dl>
          {weeks.length === 0 && byFlight.length === 0 ? (
            <p className="muted">{t('dash.empty')}</p>
          ) : (
            <>
              <h2>{t('dash.byWeek')}</h2>
              <div className="chart-grid">
                <BarChart title={t('dash.sitesChart')} categories={weeks.map((w) => w.week)} series={sitesSeries(weeks)} />
                <BarChart title={t('dash.plantsChart')} categories={weeks.map((w) => w.week)} series={[{ name: t('dash.plantsEradicated'), color: COLORS.plants, values: weeks.map((w) => w.plantsEradicated) }]} />
                <BarChart title={t('dash.areaChart')} categories={weeks.map((w) => w.week)} series={[{ name: t('dash.areaFlown'), color: COLORS.area, values: weeks.map((w) => ha(w.areaFlownM2)) }]} />
              </div>
              <h2>{t('dash.byFlight')}</h2>
              <div className="chart-grid">
                <BarChart title={t('dash.sitesChart')} categories={byFlight.map(flightName)} series={sitesSeries(byFlight)} />
                <BarChart title={t('dash.plantsChart')} categories={byFlight.map(flightName)} series={[{ name: t('dash.plantsEradicated'), color: COLORS.plants, values: byFlight.map((f) => f.plantsEradicated) }]} />
                <BarChart title={t('dash.areaChart')} categories={byFlight.map(flightName)} series={[{ name: t('dash.areaFlown'), color: COLORS.area, values: byFlight.map((f) => ha(f.areaFlownM2)) }]} />
              </div>
              <table className="dashboard-table" data-testid="dash-table">
                <thead>
                  <tr>
                    <th />
                    <th>{t('dash.sitesFound')}</th>
                    <th>{t('dash.sitesConfirmed')}</th>
                    <th>{t('dash.sitesEradicated')}</th>
                    <th>{t('dash.plantsEradicated')}</th>
                    <th>{t('dash.areaFlown')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...weeks.map((w) => [`${t('dash.week')} ${w.week}`, w] as const), ...byFlight.map((f) => [flightName(f), f] as const), [t('dash.total'), data.totals] as const].map(([label, r]) => (
                    <tr key={label}>
                      <th>{label}</th>
                      <td>{r.sitesFound}</td>
                      <td>{r.sitesConfirmed}</td>
                      <td>{r.sitesEradicated}</td>
                      <td>{r.plantsEradicated}</td>
                      <td>{ha(r.areaFlownM2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted small">{t('dash.areaNote')}</p>
            </>
          )}
        </>
      )}
    </section>
  );
}
