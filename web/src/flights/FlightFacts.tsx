import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Flight, FlightCoverage, FrameCoverage, Id } from '../api/types.js';

export type { FlightCoverage, FrameCoverage };
import { errorOf } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { visibilityText, type Visibility } from './visibilityText.js';

export interface FrameRow {
  id: Id;
  name: string;
  status: string;
  error?: string | null;
  coverage?: FrameCoverage;
}

const REASONS = ['unlocated', 'oblique', 'unknown_attitude', 'unscaled', 'failed', 'not_placed'];

/** How the frame was placed, in the reader's language (the server's detail stays in the tooltip). */
function placing(f: FrameRow): string {
  const c = f.coverage;
  if (c?.precise) return t('flights.see.precise');
  if (c?.reasonCode && REASONS.includes(c.reasonCode)) return t(`flights.reason.${c.reasonCode}`);
  if (f.status !== 'done') return t(`flights.status.${f.status === 'processing' ? 'processing' : f.status === 'failed' ? 'failed' : 'queued'}`);
  return c?.reason ?? '—';
}

const num = (v: number | null | undefined, digits = 1) => (v == null ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits }));

/** Per flight and per frame: height above ground, cm/px, area, what could not be placed and why; the verdict. */
export function FlightFacts({ coverage, visibility, frames }: { coverage: FlightCoverage | null; visibility: Visibility | null; frames: FrameRow[] }) {
  useLang();
  const [all, setAll] = useState(false);
  if (!coverage) return null;
  const problems = frames.filter((f) => f.coverage?.reason);
  const shown = all ? frames : problems;
  return (
    <section className="flight-facts" aria-labelledby="facts-title" data-testid="flight-facts">
      <h3 id="facts-title">{t('flights.see.title')}</h3>
      {visibility && (
        <p className={`visibility visibility-${visibility.level}`} data-testid="visibility" data-level={visibility.level}>
          {visibilityText(visibility)}
        </p>
      )}
      <dl className="facts">
        <dt>{t('flights.see.height')}</dt>
        <dd>{coverage.heightAboveGroundM == null ? '—' : `${num(coverage.heightAboveGroundM)} m`}</dd>
        <dt>{t('flights.see.gsd')}</dt>
        <dd>
          {coverage.gsdCmPerPx == null ? '—' : `${num(coverage.gsdCmPerPx, 2)} cm/px`}
          {coverage.maxGsdCmPerPx != null && coverage.maxGsdCmPerPx !== coverage.gsdCmPerPx ? ` (${t('flights.see.worst', { v: num(coverage.maxGsdCmPerPx, 2) })})` : ''}
        </dd>
        <dt>{t('flights.see.area')}</dt>
        <dd>{`${num(coverage.areaHa, 2)} ha`}</dd>
        <dt>{t('flights.see.placed')}</dt>
        <dd data-testid="placed-counts">{t('flights.see.placedCounts', { precise: coverage.precise, imprecise: coverage.imprecise, unlocated: coverage.unlocated })}</dd>
      </dl>
      {frames.length > 0 && (
        <>
          <label className="check small">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
            {t('flights.see.allFrames', { n: frames.length })}
          </label>
          {shown.length > 0 && (
            <table className="table frame-facts">
              <thead>
                <tr>
                  <th>{t('flights.see.frame')}</th>
                  <th>{t('flights.see.height')}</th>
                  <th>{t('flights.see.gsd')}</th>
                  <th>{t('flights.see.area')}</th>
                  <th>{t('flights.see.placing')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((f) => (
                  <tr key={String(f.id)} data-precise={f.coverage?.precise ? '1' : '0'}>
                    <td>{f.name}</td>
                    <td>{f.coverage?.heightAboveGroundM == null ? '—' : `${num(f.coverage.heightAboveGroundM)} m`}</td>
                    <td>{f.coverage?.gsdCmPerPx == null ? '—' : num(f.coverage.gsdCmPerPx, 2)}</td>
                    <td>{f.coverage?.areaHa == null ? '—' : num(f.coverage.areaHa, 3)}</td>
                    <td title={f.coverage?.reason ?? undefined}>{placing(f)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

const optional = (v: string) => (v.trim() === '' ? null : Number(v));

/** Correct the camera facts after upload: the frames are processed again, once, and old detections replaced. */
export function EditFlightCamera({ flight, busy, onChanged }: { flight: Flight; busy: boolean; onChanged: () => void }) {
  useLang();
  const [open, setOpen] = useState(false);
  const [altitude, setAltitude] = useState(flight.altitudeAglM == null ? '' : String(flight.altitudeAglM));
  const [ground, setGround] = useState(flight.groundElevationM == null ? '' : String(flight.groundElevationM));
  const [sensor, setSensor] = useState(flight.sensorWidthMm == null ? '' : String(flight.sensorWidthMm));
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<{ requeued: { images: number } }>(`/api/flights/${encodeURIComponent(String(flight.id))}`, {
        method: 'PATCH',
        json: { altitudeAglM: optional(altitude), groundElevationM: optional(ground), sensorWidthMm: optional(sensor) },
      });
      setDone(t('flights.edit.requeued', { n: answer.requeued.images }));
      setOpen(false);
      onChanged();
    } catch (err) {
      setError(errorOf(err));
    }
  }
  if (!open) {
    return (
      <div className="edit-camera">
        <button type="button" onClick={() => setOpen(true)} disabled={busy} data-testid="edit-camera">
          {t('flights.edit.open')}
        </button>
        {done && <span className="muted small"> {done}</span>}
      </div>
    );
  }
  return (
    <form className="panel edit-camera" onSubmit={submit} data-testid="edit-camera-form">
      <div className="row">
        <label>
          {t('flights.new.altitude')}
          <input name="altitudeAglM" type="number" step="any" min={2} value={altitude} onChange={(e) => setAltitude(e.target.value)} />
        </label>
        <label>
          {t('flights.new.ground')}
          <input name="groundElevationM" type="number" step="any" value={ground} onChange={(e) => setGround(e.target.value)} />
        </label>
        <label>
          {t('flights.new.sensor')}
          <input name="sensorWidthMm" type="number" step="any" min={0} value={sensor} onChange={(e) => setSensor(e.target.value)} />
        </label>
      </div>
      <p className="muted small">{t('flights.edit.help')}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          {t('flights.edit.save')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
