import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.js';
import type { FeatureCollection, Flight, SiteFeature } from '../api/types.js';
import { errorOf } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import type { FieldTaskRow } from '../snap/tasks/fieldTaskRow.js';
import { FieldHistory } from './FieldHistory.js';
import './fieldTasks.css';

type StateFilter = 'open' | 'all';
const OPEN = new Set(['none', 'assigned', 'visited']);

export interface FieldRow {
  siteId: number;
  score: number;
  flightId: number | null;
  state: FieldTaskRow['state'] | 'none';
  assignee: string | null;
  dueDate: string | null;
  plantsCounted: number | null;
  version: number;
}

/** Confirmed sites joined with their field tasks (a site without one is "none", version 0). */
export function fieldRows(sites: SiteFeature[], tasks: FieldTaskRow[]): FieldRow[] {
  const byId = new Map(tasks.map((x) => [x.siteId, x]));
  return sites.map((s) => {
    const id = Number(s.properties.id);
    const task = byId.get(id);
    return {
      siteId: id,
      score: s.properties.score,
      flightId: s.properties.flightId == null ? null : Number(s.properties.flightId),
      state: task?.state ?? 'none',
      assignee: task?.assignee ?? null,
      dueDate: task?.dueDate ?? null,
      plantsCounted: task?.plantsCounted ?? null,
      version: task?.version ?? 0,
    };
  });
}

/** Reviewers send confirmed sites to officers (with a due date) and print the task sheets. */
export function FieldTasksPage({ flights }: { flights: Flight[] }) {
  const [flight, setFlight] = useState('');
  const [stateFilter, setStateFilter] = useState<StateFilter>('open');
  const [rows, setRows] = useState<FieldRow[]>([]);
  const [assignees, setAssignees] = useState<{ username: string; role: string }[]>([]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [assignee, setAssignee] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [expanded, setExpanded] = useState<number | null>(null);

  const load = useCallback(async () => {
    const q = flight ? `&flight=${flight}` : '';
    try {
      const [sites, tasks] = await Promise.all([
        api<FeatureCollection<SiteFeature>>(`/api/sites?status=confirmed${q}`),
        api<{ tasks: FieldTaskRow[] }>(`/api/field/tasks${flight ? `?flight=${flight}` : ''}`),
      ]);
      setRows(fieldRows(sites.features, tasks.tasks));
    } catch (err) {
      setMessage(t('common.error', { message: errorOf(err) }));
    }
  }, [flight]);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    api<{ assignees: { username: string; role: string }[] }>('/api/field/assignees')
      .then((r) => setAssignees(r.assignees))
      .catch(() => setAssignees([]));
  }, []);

  const shown = useMemo(() => rows.filter((r) => stateFilter === 'all' || OPEN.has(r.state)), [rows, stateFilter]);
  const flightName = (id: number | null) => (id == null ? t('dash.phoneSnaps') : (flights.find((f) => Number(f.id) === id)?.name ?? `#${id}`));
  const toggle = (id: number) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const chosen = shown.filter((r) => selected.has(r.siteId));
  const pdfQuery = chosen.length
    ? `sites=${chosen.map((r) => r.siteId).join(',')}&state=all`
    : `state=${stateFilter}${flight ? `&flight=${flight}` : ''}`;

  async function assign() {
    if (!assignee || chosen.length === 0) return;
    setBusy(true);
    const problems: string[] = [];
    for (const r of chosen) {
      try {
        await api(`/api/sites/${r.siteId}/field`, {
          method: 'POST',
          json: { state: 'assigned', assignee, dueDate: dueDate || undefined, note: note || undefined, baseVersion: r.version },
        });
      } catch (err) {
        problems.push(`#${r.siteId}: ${errorOf(err)}`);
      }
    }
    setBusy(false);
    setSelected(new Set());
    setMessage(problems.length ? t('fieldPage.someFailed', { list: problems.join('; ') }) : t('fieldPage.assigned', { n: chosen.length, name: assignee }));
    await load();
  }

  return (
    <section className="field-page" data-testid="field-page">
      <header className="field-page-head">
        <h1>{t('fieldPage.title')}</h1>
        <label>
          {t('dash.flight')}{' '}
          <select value={flight} onChange={(e) => setFlight(e.target.value)}>
            <option value="">{t('dash.allFlights')}</option>
            {flights.map((f) => (
              <option key={f.id} value={String(f.id)}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fieldPage.show')}{' '}
          <select value={stateFilter} onChange={(e) => setStateFilter(e.target.value as StateFilter)} data-testid="field-state-filter">
            <option value="open">{t('fieldPage.open')}</option>
            <option value="all">{t('fieldPage.all')}</option>
          </select>
        </label>
        <a className="button" href={`/api/exports/tasks.pdf?${pdfQuery}`} data-testid="task-sheets-link">
          {chosen.length ? t('fieldPage.sheetsSelected', { n: chosen.length }) : t('fieldPage.sheets')}
        </a>
      </header>
      <div className="field-assign">
        <label>
          {t('fieldPage.assignee')}{' '}
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="assignee">
            <option value="">—</option>
            {assignees.map((a) => (
              <option key={a.username} value={a.username}>
                {a.username} ({t(`common.role.${a.role}`)})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fieldPage.due')} <input type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} data-testid="due-date" />
        </label>
        <label>
          {t('field.form.note')} <input type="text" maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="button" className="primary" disabled={busy || !assignee || chosen.length === 0} onClick={() => void assign()} data-testid="assign">
          {t('fieldPage.assign', { n: chosen.length })}
        </button>
      </div>
      {message && (
        <p className="notice" role="status" data-testid="field-message">
          {message}
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted">{t('fieldPage.none')}</p>
      ) : (
        <table className="field-table" data-testid="field-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={t('fieldPage.selectAll')}
                  checked={chosen.length === shown.length}
                  onChange={(e) => setSelected(new Set(e.target.checked ? shown.map((r) => r.siteId) : []))}
                />
              </th>
              <th>{t('fieldPage.site')}</th>
              <th>{t('dash.flight')}</th>
              <th>{t('fieldPage.score')}</th>
              <th>{t('fieldPage.state')}</th>
              <th>{t('fieldPage.assignee')}</th>
              <th>{t('fieldPage.due')}</th>
              <th>{t('field.form.count')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => [
              <tr key={r.siteId} data-site-id={r.siteId}>
                <td>
                  <input type="checkbox" checked={selected.has(r.siteId)} onChange={() => toggle(r.siteId)} aria-label={t('field.siteLabel', { id: r.siteId })} />
                </td>
                <td>
                  <button type="button" className="link" aria-expanded={expanded === r.siteId} onClick={() => setExpanded(expanded === r.siteId ? null : r.siteId)} data-testid="history-toggle">
                    #{r.siteId}
                  </button>
                </td>
                <td>{flightName(r.flightId)}</td>
                <td>{r.score.toFixed(2)}</td>
                <td>{r.state === 'none' ? t('fieldPage.notAssigned') : t(`field.state.${r.state}`)}</td>
                <td>{r.assignee ?? ''}</td>
                <td>{r.dueDate ?? ''}</td>
                <td>{r.plantsCounted ?? ''}</td>
              </tr>,
              expanded === r.siteId && (
                <tr key={`${r.siteId}-history`} className="field-history-row">
                  <td />
                  <td colSpan={7}>
                    <FieldHistory siteId={r.siteId} />
                  </td>
                </tr>
              ),
            ])}
          </tbody>
        </table>
      )}
    </section>
  );
}
