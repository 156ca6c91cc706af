import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import type { HeadFigures } from '../api/types.js';
import { errorOf, errorText } from '../i18n/errors.js';
import { hasKey, t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatTime } from '../review/format.js';
import './models.css';

type Figures = HeadFigures;
type Comparison = { candidate: Figures; current: Figures; losesRecall: boolean };
interface Report {
  currentVersion: string;
  gate: (Comparison & { sites: number }) | { sites: number; code?: string; reason: string };
  synthetic: Comparison | { code?: string; reason: string };
  losesRecall: boolean;
}
interface Summary {
  trainSites: { poppy: number; notPoppy: number };
  fieldChecked: number;
  backgroundFrames: number;
  reviewers: string[];
}
export interface LocalVersion {
  version: string;
  parentVersion: string;
  createdAt: string;
  createdBy: string | null;
  summary: Summary;
  report: Report;
  losesRecall: boolean;
  active: boolean;
  compatible: boolean;
}
interface Promotion {
  id: number;
  version: string;
  previousVersion: string;
  at: string;
  username: string | null;
  rescored: { sites: number; belowMinScore: number; withoutFeatures: number };
}
interface Job {
  id: string;
  state: 'running' | 'done' | 'failed';
  version: string | null;
  progress: { fraction: number; message: string };
  error: { code: string; message: string } | null;
}
export interface ModelsAnswer {
  aerial: {
    active: string;
    shipped: { version: string; createdAt: string | null; active: boolean };
    versions: LocalVersion[];
    promotions: Promotion[];
    retrain: Job | null;
  };
}

const num = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const figures = (f: Figures) => t('models.figures', { recall: num(f.recall), falseSites: `${f.falseSites}/${f.negatives}`, precision: num(f.precision) });

/** Why a figure is missing, in the reader's language when the server gave a known code. */
const reasonText = (c: { code?: string; reason: string }) => (c.code && hasKey(`models.reason.${c.code}`) ? t(`models.reason.${c.code}`) : c.reason);

function ComparisonCell({ c }: { c: Comparison | { code?: string; reason: string } }) {
  if ('reason' in c) return <td className="muted small">{t('models.noGate', { reason: reasonText(c) })}</td>;
  return (
    <td className={c.losesRecall ? 'loses-recall' : undefined}>
      <div>{figures(c.candidate)}</div>
      <div className="muted small">{t('models.vs', { figures: figures(c.current) })}</div>
    </td>
  );
}

/** Admins: versions of the aerial head side by side with their reports; retrain, promote, roll back. */
export function ModelsPage({ pollMs = 500 }: { pollMs?: number }) {
  const lang = useLang();
  const [data, setData] = useState<ModelsAnswer['aerial'] | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    try {
      const body = await api<ModelsAnswer>('/api/models');
      setData(body.aerial);
      return body.aerial;
    } catch (err) {
      setError(errorOf(err));
      return null;
    }
  }, []);

  const follow = useCallback(
    (id: string) => {
      const tick = async () => {
        try {
          const { job: j } = await api<{ job: Job }>(`/api/models/aerial/retrain/${id}`);
          setJob(j);
          if (j.state === 'running') timer.current = setTimeout(() => void tick(), pollMs);
          else {
            if (j.state === 'done') setNotice(t('models.retrained', { version: j.version ?? '' }));
            else setError(t('models.retrainFailed', { message: errorText(j.error?.code, j.error?.message) }));
            void load();
          }
        } catch (err) {
          setError(errorOf(err));
        }
      };
      void tick();
    },
    [load, pollMs],
  );

  useEffect(() => {
    void load().then((d) => {
      if (d?.retrain?.state === 'running') follow(d.retrain.id);
    });
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load, follow]);

  async function retrain() {
    setError(null);
    setNotice(null);
    try {
      const { job: j } = await api<{ job: Job }>('/api/models/aerial/retrain', { method: 'POST' });
      setJob(j);
      follow(j.id);
    } catch (err) {
      setError(errorOf(err));
    }
  }

  async function promote(version: string, losesRecall: boolean) {
    const question = losesRecall ? t('models.confirmLosesRecall', { version }) : t('models.confirmPromote', { version });
    if (!window.confirm(question)) return;
    setError(null);
    setNotice(null);
    try {
      const r = await api<{ active: string; rescored: Promotion['rescored'] }>(`/api/models/aerial/${encodeURIComponent(version)}/promote`, { method: 'POST' });
      setNotice(t('models.promoted', { version: r.active, sites: r.rescored.sites, below: r.rescored.belowMinScore, without: r.rescored.withoutFeatures }));
      await load();
    } catch (err) {
      setError(errorOf(err));
    }
  }

  const running = job?.state === 'running';
  const versions = data ? [...data.versions].reverse() : [];
  const createdOf = (v: string) => versions.find((x) => x.version === v)?.createdAt ?? '';
  const activeCreated = data ? createdOf(data.active) : '';
  const actionLabel = (v: LocalVersion | null) => {
    // back to the shipped head or to a version older than the active one is a rollback
    if (!v) return t('models.rollBack');
    return activeCreated && v.createdAt < activeCreated ? t('models.rollBack') : t('models.promote');
  };

  return (
    <section className="page models-page" aria-labelledby="models-title" data-testid="models-page" data-lang={lang}>
      <h2 id="models-title">{t('models.title')}</h2>
      <p className="muted">{t('models.intro')}</p>
      {data && <p data-testid="active-version">{t('models.active', { version: data.active })}</p>}
      <p>
        <button type="button" onClick={() => void retrain()} disabled={running}>
          {t('models.retrain')}
        </button>
      </p>
      {running && job && (
        <p role="status" data-testid="retrain-progress">
          <progress max={1} value={job.progress.fraction} /> {t('models.retraining', { percent: Math.round(job.progress.fraction * 100), message: job.progress.message })}
        </p>
      )}
      {notice && <p role="status" className="notice">{notice}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {data && (
        <div className="table-scroll">
          <table className="models-table" data-testid="versions">
            <thead>
              <tr>
                <th scope="row">{t('models.col.version')}</th>
                {versions.map((v) => (
                  <th key={v.version} scope="col" data-version={v.version}>
                    {v.version} {v.active && <span className="badge">{t('models.isActive')}</span>}
                  </th>
                ))}
                <th scope="col" data-version={data.shipped.version}>
                  {data.shipped.version} <span className="badge muted">{t('models.shipped')}</span> {data.shipped.active && <span className="badge">{t('models.isActive')}</span>}
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('models.row.created')}</th>
                {versions.map((v) => <td key={v.version}>{formatTime(v.createdAt, lang)}</td>)}
                <td>{formatTime(data.shipped.createdAt, lang)}</td>
              </tr>
              <tr>
                <th scope="row">{t('models.row.by')}</th>
                {versions.map((v) => <td key={v.version}>{v.createdBy ?? '—'}</td>)}
                <td>—</td>
              </tr>
              <tr>
                <th scope="row">{t('models.row.comparedWith')}</th>
                {versions.map((v) => <td key={v.version}>{v.report.currentVersion}</td>)}
                <td>—</td>
              </tr>
              <tr>
                <th scope="row">{t('models.row.trainedOn')}</th>
                {versions.map((v) => (
                  <td key={v.version} className="small">
                    {t('models.trainedOn', { poppy: v.summary.trainSites.poppy, notPoppy: v.summary.trainSites.notPoppy, field: v.summary.fieldChecked, frames: v.summary.backgroundFrames, reviewers: v.summary.reviewers.join(', ') || '—' })}
                  </td>
                ))}
                <td>—</td>
              </tr>
              <tr>
                <th scope="row">{t('models.row.gate')}</th>
                {versions.map((v) => <ComparisonCell key={v.version} c={v.report.gate} />)}
                <td>—</td>
              </tr>
              <tr>
                <th scope="row">{t('models.row.synthetic')}</th>
                {versions.map((v) => <ComparisonCell key={v.version} c={v.report.synthetic} />)}
                <td>—</td>
              </tr>
              <tr>
                <th scope="row">{t('models.row.verdict')}</th>
                {versions.map((v) => (
                  <td key={v.version} className={v.losesRecall ? 'loses-recall' : undefined} data-testid={`verdict-${v.version}`}>
                    {!v.compatible ? t('models.incompatible') : v.losesRecall ? t('models.losesRecall') : t('models.keepsRecall')}
                  </td>
                ))}
                <td />
              </tr>
              <tr>
                <th scope="row" />
                {versions.map((v) => (
                  <td key={v.version}>
                    {!v.active && v.compatible && (
                      <button type="button" onClick={() => void promote(v.version, v.losesRecall)} data-testid={`promote-${v.version}`}>
                        {actionLabel(v)}
                      </button>
                    )}
                  </td>
                ))}
                <td>
                  {!data.shipped.active && (
                    <button type="button" onClick={() => void promote(data.shipped.version, false)} data-testid={`promote-${data.shipped.version}`}>
                      {actionLabel(null)}
                    </button>
                  )}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <>
          <h3>{t('models.history')}</h3>
          {data.promotions.length === 0 ? (
            <p className="muted">{t('models.noHistory')}</p>
          ) : (
            <ul data-testid="promotions">
              {data.promotions.map((p) => (
                <li key={p.id}>{t('models.historyLine', { at: formatTime(p.at, lang), user: p.username ?? '—', from: p.previousVersion, to: p.version, sites: p.rescored.sites })}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
