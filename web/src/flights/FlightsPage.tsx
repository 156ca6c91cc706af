import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.js';
import type { Flight, FrameSummary, Id } from '../api/types.js';
import { t } from '../i18n/index.js';
import { errorOf } from '../i18n/errors.js';
import { flightDisplayName } from './flightName.js';
import { useLang } from '../i18n/useLang.js';
import { formatDuration, formatTime } from '../review/format.js';
import { UploadPanel } from './UploadPanel.js';
import { useFlightProgress } from './useFlightProgress.js';
import { EditFlightCamera, FlightFacts, type FlightCoverage, type FrameRow } from './FlightFacts.js';
import type { Visibility } from './visibilityText.js';

interface Props {
  flights: Flight[];
  reload: () => Promise<void>;
  canUpload: boolean;
  onReview: (flightId: Id) => void;
}

function optionalNumber(v: string): number | undefined {
  if (v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function NewFlightForm({ onCreated }: { onCreated: (f: Flight) => void }) {
  const [name, setName] = useState('');
  const [altitude, setAltitude] = useState('');
  const [ground, setGround] = useState('');
  const [sensor, setSensor] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const flight = await api<Flight>('/api/flights', {
        method: 'POST',
        json: { name: name.trim(), altitudeAglM: optionalNumber(altitude), groundElevationM: optionalNumber(ground), sensorWidthMm: optionalNumber(sensor) },
      });
      setName('');
      setAltitude('');
      setGround('');
      setSensor('');
      onCreated(flight);
    } catch (err) {
      setError(err instanceof ApiError ? errorOf(err) : t('common.serverUnreachable'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel new-flight" onSubmit={submit} aria-labelledby="new-flight-title">
      <h3 id="new-flight-title">{t('flights.new.title')}</h3>
      <label>
        {t('flights.new.name')}
        <input name="flightName" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <div className="row">
        <label>
          {t('flights.new.altitude')}
          <input type="number" step="any" min={0} value={altitude} onChange={(e) => setAltitude(e.target.value)} />
        </label>
        <label>
          {t('flights.new.ground')}
          <input type="number" step="any" value={ground} onChange={(e) => setGround(e.target.value)} />
        </label>
        <label>
          {t('flights.new.sensor')}
          <input type="number" step="any" min={0} value={sensor} onChange={(e) => setSensor(e.target.value)} />
        </label>
      </div>
      <p className="muted small">{t('flights.new.help')}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || !name.trim()}>
        {t('flights.new.create')}
      </button>
    </form>
  );
}

function Processing({ flight, onChange, canUpload }: { flight: Flight; onChange: () => void; canUpload: boolean }) {
  const { progress, live } = useFlightProgress(flight);
  const [frames, setFrames] = useState<(FrameSummary & FrameRow)[]>([]);
  const [seeing, setSeeing] = useState<{ coverage: FlightCoverage; visibility: Visibility } | null>(null);
  const total = progress?.total ?? flight.images.total;
  const processed = progress?.processed ?? flight.images.processed;
  const failed = progress?.failed ?? flight.images.failed;
  const status = progress?.status ?? flight.status;
  const etaS = progress?.etaS ?? flight.etaS ?? null;
  const done = processed + failed;

  const loadFrames = useCallback(async () => {
    try {
      const answer = await api<{ images: (FrameSummary & FrameRow)[]; coverage: FlightCoverage; visibility: Visibility }>(
        `/api/flights/${encodeURIComponent(String(flight.id))}/images`,
      );
      setFrames(answer.images);
      setSeeing(answer.coverage ? { coverage: answer.coverage, visibility: answer.visibility } : null);
    } catch {
      /* the list is a convenience; the counts above still come from the events */
    }
  }, [flight.id]);

  useEffect(() => {
    void loadFrames();
  }, [loadFrames, failed, status, processed]);

  useEffect(() => {
    if (status === 'done' || status === 'failed') onChange();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  async function retry(id: Id) {
    await api(`/api/images/${encodeURIComponent(String(id))}/retry`, { method: 'POST' });
    void loadFrames();
  }

  const failedFrames = frames.filter((f) => f.status === 'failed');
  const pct = total ? Math.round((done / total) * 100) : 0;
  return (
    <section className="processing" aria-labelledby="processing-title" data-testid="processing" data-status={status}>
      <h3 id="processing-title">
        {t('flights.processing.title')}{' '}
        <span className={`badge flight-${status}`} data-testid="flight-status">
          {t(`flights.status.${status}`)}
        </span>
        {live && <span className="live-dot" title={t('flights.processing.live')} aria-label={t('flights.processing.live')} />}
      </h3>
      <div className="progress" role="progressbar" aria-label={t('flights.processing.title')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <p data-testid="processing-counts">
        {t('flights.processing.counts', { processed, failed, total })}
        {status === 'processing' || status === 'queued' ? ` · ${t('flights.processing.eta', { eta: formatDuration(etaS) })}` : ''}
      </p>
      {failedFrames.length > 0 && (
        <ul className="failed-frames">
          {failedFrames.map((f) => (
            <li key={String(f.id)}>
              <span className="name">{f.name}</span> <span className="muted">{f.error ?? ''}</span>{' '}
              <button type="button" onClick={() => void retry(f.id)}>
                {t('common.retry')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <FlightFacts coverage={seeing?.coverage ?? null} visibility={seeing?.visibility ?? null} frames={frames} />
      {canUpload && (
        <EditFlightCamera
          flight={flight}
          busy={!(status === 'done' || status === 'failed')}
          onChanged={() => {
            onChange();
            void loadFrames();
          }}
        />
      )}
    </section>
  );
}

export function FlightsPage({ flights, reload, canUpload, onReview }: Props) {
  const lang = useLang();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = flights.find((f) => String(f.id) === selectedId) ?? null;

  return (
    <div className="flights-layout">
      <section className="flights-list" aria-labelledby="flights-title">
        <h2 id="flights-title">{t('flights.title')}</h2>
        {canUpload && (
          <NewFlightForm
            onCreated={(f) => {
              setSelectedId(String(f.id));
              void reload();
            }}
          />
        )}
        {flights.length === 0 ? (
          <p className="muted">{t('flights.none')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>{t('flights.col.name')}</th>
                <th>{t('flights.col.status')}</th>
                <th>{t('flights.col.frames')}</th>
                <th>{t('flights.col.sites')}</th>
                <th>{t('flights.col.created')}</th>
              </tr>
            </thead>
            <tbody>
              {flights.map((f) => (
                <tr
                  key={String(f.id)}
                  className={String(f.id) === selectedId ? 'selected' : undefined}
                  onClick={() => setSelectedId(String(f.id))}
                >
                  <td>
                    <button type="button" className="link" onClick={() => setSelectedId(String(f.id))}>
                      {flightDisplayName(f)}
                    </button>
                  </td>
                  <td>
                    <span className={`badge flight-${f.status}`}>{t(`flights.status.${f.status}`)}</span>
                  </td>
                  <td>
                    {f.images.processed}/{f.images.total}
                    {f.images.failed ? ` (${t('flights.failedCount', { n: f.images.failed })})` : ''}
                  </td>
                  <td>{f.sites ?? '—'}</td>
                  <td>{formatTime(f.createdAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="flight-detail">
        {selected ? (
          <>
            <h2>
              {flightDisplayName(selected)}{' '}
              <button type="button" onClick={() => onReview(selected.id)}>
                {t('flights.reviewSites')}
              </button>
            </h2>
            {canUpload && <UploadPanel key={String(selected.id)} flightId={selected.id} onUploaded={() => void reload()} />}
            <Processing key={`p${String(selected.id)}`} flight={selected} onChange={() => void reload()} canUpload={canUpload} />
          </>
        ) : (
          <p className="muted empty">{t('flights.selectOne')}</p>
        )}
      </section>
    </div>
  );
}
