import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { AuditRecord } from '../api/types.js';
import { errorOf } from '../i18n/errors.js';
import { DateInput } from '../i18n/DateInput.js';
import { hasKey, t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatTime } from '../review/format.js';

const ACTIONS = ['login', 'login_failed', 'logout', 'token_created', 'token_revoked', 'user_changed', 'user_created', 'upload', 'review', 'note', 'export', 'snap', 'retry', 'flight_created', 'flight_changed', 'field'];

interface AuditFilters {
  action: string;
  username: string;
  siteId: string;
  flightId: string;
  from: string;
  to: string;
}

const empty: AuditFilters = { action: '', username: '', siteId: '', flightId: '', from: '', to: '' };

export function auditQuery(f: AuditFilters, limit = 500): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v.trim()) p.set(k, v.trim());
  p.set('limit', String(limit));
  return p.toString();
}

export const actionName = (a: string) => (hasKey(`audit.a.${a}`) ? t(`audit.a.${a}`) : a);

function short(v: unknown): string {
  if (v == null) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

/** The audit trail, filtered, newest first, with the same filters as a CSV download. */
export function AuditPage() {
  const lang = useLang();
  const [draft, setDraft] = useState<AuditFilters>(empty);
  const [filters, setFilters] = useState<AuditFilters>(empty);
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setRecords((await api<{ records: AuditRecord[] }>(`/api/audit?${auditQuery(filters)}`)).records);
    } catch (err) {
      setError(errorOf(err));
    }
  }, [filters]);
  useEffect(() => {
    void load();
  }, [load]);

  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };

  return (
    <div className="page admin-page" data-testid="audit-page">
      <h2>{t('audit.title')}</h2>
      <form className="panel audit-filters" onSubmit={submit} aria-label={t('audit.title')}>
        <div className="row wrap">
          <label>
            {t('audit.action')}
            <select name="action" value={draft.action} onChange={set('action')}>
              <option value="">{t('audit.anyAction')}</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {actionName(a)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('audit.user')}
            <input name="username" value={draft.username} onChange={set('username')} />
          </label>
          <label>
            {t('audit.site')}
            <input name="siteId" inputMode="numeric" value={draft.siteId} onChange={set('siteId')} size={6} />
          </label>
          <label>
            {t('audit.flight')}
            <input name="flightId" inputMode="numeric" value={draft.flightId} onChange={set('flightId')} size={6} />
          </label>
          <label>
            {t('audit.from')}
            <DateInput name="from" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
          </label>
          <label>
            {t('audit.to')}
            <DateInput name="to" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t('audit.apply')}
          </button>
          <a className="button" href={`/api/audit.csv?${auditQuery(filters, 100000)}`} download data-testid="audit-csv">
            {t('audit.csv')}
          </a>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {records && (
        <>
          <p className="muted" data-testid="audit-count">
            {records.length ? t('audit.count', { n: records.length }) : t('audit.none')}
          </p>
          <table className="table audit-table">
            <thead>
              <tr>
                <th>{t('audit.col.at')}</th>
                <th>{t('audit.col.user')}</th>
                <th>{t('audit.col.action')}</th>
                <th>{t('audit.col.object')}</th>
                <th>{t('audit.col.change')}</th>
                <th>{t('audit.col.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.id} data-action={r.action}>
                  <td className="nowrap">{formatTime(r.at, lang)}</td>
                  <td>{r.username ?? '—'}</td>
                  <td>
                    <span className="badge">{actionName(r.action)}</span>
                  </td>
                  <td>{[r.siteId != null ? `#${r.siteId}` : null, r.flightId != null ? `✈ ${r.flightId}` : null].filter(Boolean).join(' · ')}</td>
                  {/* the record as stored (server words, user input): data, not interface text */}
                  <td className="small mono" data-raw="">
                    {r.before != null || r.after != null ? `${short(r.before)} → ${short(r.after)}` : short(r.details)}
                  </td>
                  <td className="small">{r.ip ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
