import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../../api/client.js';
import { errorText } from '../../i18n/errors.js';
import { t } from '../../i18n/index.js';
import { discard, flushQueue, subscribe, type QueueState } from '../queue.js';
import { amapUri, baiduUri, compassPoint, fixed6, geoUri, sortTasks, toGcj02, type LatLon } from './geo.js';
import { VisitForm } from './VisitForm.js';
import { onVisitSent } from './visitSend.js';
import type { FieldTaskRow } from './fieldTaskRow.js';

/** GET /api/field/tasks row (server/src/field/views.ts taskSummary). */
const CACHE_KEY = 'poppywatch.snap.tasks';
const RETRY_EVERY_MS = 20_000;

function readCache(username: string): { tasks: FieldTaskRow[]; at: string } | null {
  try {
    const v = JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null') as { user: string; tasks: FieldTaskRow[]; at: string } | null;
    return v && v.user === username && Array.isArray(v.tasks) ? v : null;
  } catch {
    return null;
  }
}

function writeCache(username: string, tasks: FieldTaskRow[]): void {
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify({ user: username, tasks, at: new Date().toISOString() }));
  } catch {
    /* storage full: the list works online only */
  }
}

const fmtDistance = (m: number) => (m >= 1000 ? t('field.km', { km: (m / 1000).toFixed(m >= 10_000 ? 0 : 1) }) : t('field.m', { m: Math.round(m) }));

/**
 * "My tasks": the officer's assigned sites, nearest first with distance and bearing from the phone, links into the
 * phone's map apps, and the visit form. The list is kept on the phone, so it works offline; visits go through the
 * snap outbox.
 */
export function TasksTab({ username }: { username: string }) {
  const cached = useMemo(() => readCache(username), [username]);
  const [tasks, setTasks] = useState<FieldTaskRow[]>(cached?.tasks ?? []);
  const [loadedAt, setLoadedAt] = useState<string | null>(cached?.at ?? null);
  const [error, setError] = useState<string | null>(null);
  const [here, setHere] = useState<(LatLon & { accuracyM: number | null }) | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [queue, setQueue] = useState<QueueState>({ pending: [], failed: [], recent: [], needsLogin: false });
  const [sentNotice, setSentNotice] = useState<number | null>(null);
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);

  const load = useCallback(async () => {
    try {
      const r = await api<{ tasks: FieldTaskRow[] }>('/api/field/tasks');
      setTasks(r.tasks);
      writeCache(username, r.tasks);
      setLoadedAt(new Date().toISOString());
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError && err.status < 500 ? err.message : t('field.offlineList'));
    }
  }, [username]);

  useEffect(() => {
    void load();
    const again = () => {
      void flushQueue();
      void load();
    };
    window.addEventListener('online', again);
    return () => window.removeEventListener('online', again);
  }, [load]);
  useEffect(() => subscribe(setQueue), []);
  useEffect(
    () =>
      onVisitSent((siteId) => {
        setSentNotice(siteId);
        void load();
      }),
    [load],
  );
  const waiting = queue.pending.filter((q) => q.visit);
  useEffect(() => {
    if (waiting.length === 0) return;
    const id = setInterval(() => void flushQueue(), RETRY_EVERY_MS);
    return () => clearInterval(id);
  }, [waiting.length]);

  useEffect(() => {
    if (!('geolocation' in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) => setHere({ lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null }),
      () => undefined,
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);

  const sorted = useMemo(() => sortTasks(tasks, here), [tasks, here]);
  const queuedFor = (siteId: number) => queue.pending.filter((q) => q.visit?.siteId === siteId);
  const failedVisits = queue.failed.filter((q) => q.visit);

  return (
    <section className="field-tasks" data-testid="tasks-tab">
      <div className="snap-status-bar">
        <span className={online ? 'dot online' : 'dot offline'} data-testid="tasks-network">
          {online ? t('snap.queue.online') : t('snap.queue.offline')}
        </span>
        <span data-testid="visits-waiting" data-count={waiting.length}>
          {waiting.length > 0 ? t('field.waiting', { n: waiting.length }) : t('field.allSent')}
        </span>
      </div>
      <p className="hint">
        {here ? t('field.here', { pos: fixed6(here), acc: here.accuracyM != null ? Math.round(here.accuracyM) : '?' }) : t('field.noPosition')}
      </p>
      {error && (
        <p className="notice" role="status" data-testid="tasks-error">
          {error} {loadedAt && t('field.listFrom', { when: new Date(loadedAt).toLocaleString() })}
        </p>
      )}
      {sentNotice != null && (
        <p className="notice sent" role="status" data-testid="visit-sent">
          {t('field.visitSent', { id: sentNotice })}
        </p>
      )}
      {failedVisits.map((f) => (
        <p key={f.key} className="notice" role="alert" data-testid="visit-failed">
          {t('field.visitFailed', { id: f.visit!.siteId, message: errorText(f.error?.code, f.error?.message) })}{' '}
          <button type="button" className="link" onClick={() => void discard(f.key)}>
            {t('snap.queue.discard')}
          </button>
        </p>
      ))}
      {sorted.length === 0 && <p className="hint" data-testid="no-tasks">{t('field.none')}</p>}
      <ol className="task-list" data-testid="task-list">
        {sorted.map((task) => {
          const label = t('field.siteLabel', { id: task.siteId });
          const gcj = toGcj02(task);
          const queued = queuedFor(task.siteId);
          return (
            <li key={task.siteId} className="task" data-testid="task" data-site-id={task.siteId}>
              <div className="task-head">
                <img src={task.cropUrl} alt="" className="task-crop" loading="lazy" />
                <div>
                  <strong>{label}</strong> <span className={`badge state-${task.state}`}>{t(`field.state.${task.state}`)}</span>
                  <div className="task-distance" data-testid="task-distance">
                    {task.distanceM != null && task.bearingDeg != null
                      ? t('field.distance', { d: fmtDistance(task.distanceM), dir: t(`field.compass.${compassPoint(task.bearingDeg)}`), deg: Math.round(task.bearingDeg) })
                      : t('field.distanceUnknown')}
                  </div>
                  <div className="hint">
                    {task.dueDate && t('field.due', { date: task.dueDate })} {task.flight && t('field.flight', { name: task.flight.name })}
                  </div>
                </div>
              </div>
              <div className="task-coords">
                <span>WGS-84 {fixed6(task)}</span>
                <span data-testid="task-gcj">GCJ-02 {fixed6(gcj)}</span>
                <span>{t('field.radius', { m: task.errorRadiusM.toFixed(0) })}</span>
                {task.estimatedHeads != null && <span>{t('field.estimatedHeads', { n: Math.round(task.estimatedHeads) })}</span>}
              </div>
              {task.note && <p className="task-note">{task.note}</p>}
              <div className="task-links">
                <a href={geoUri(task, label)} data-testid="geo-link">{t('field.openMaps')}</a>
                <a href={amapUri(task, label)} target="_blank" rel="noreferrer" data-testid="amap-link">{t('field.openAmap')}</a>
                <a href={baiduUri(task, label)} target="_blank" rel="noreferrer">{t('field.openBaidu')}</a>
              </div>
              {queued.length > 0 && (
                <p className="notice" data-testid="visit-queued">
                  {t('field.queued', { state: t(`field.state.${queued[queued.length - 1].visit!.state}`) })}
                </p>
              )}
              {open === task.siteId ? (
                <VisitForm task={task} baseVersion={task.version + queued.length} onDone={() => setOpen(null)} />
              ) : (
                <button type="button" className="primary" data-testid="record-visit" onClick={() => setOpen(task.siteId)}>
                  {t('field.record')}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
