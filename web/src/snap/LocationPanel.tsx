import { useEffect, useState } from 'react';
import { t } from '../i18n/index.js';
import { PinMap } from './PinMap.js';
import { latestFlightArea } from './startArea.js';
import type { SentPosition } from './types.js';

const LAST_KEY = 'poppywatch.snap.lastPosition';

type Mode =
  | { kind: 'locating' }
  | { kind: 'device'; lat: number; lon: number; accuracyM: number | null }
  | { kind: 'map'; reason: string | null };

interface Props {
  onChange: (position: SentPosition | null) => void;
  /** set when the server said the photo has no GPS: the map opens */
  forceMap: boolean;
}

/** Where the snap was taken: the phone's position when it has one, else a pin placed on a map. */
export function LocationPanel({ onChange, forceMap }: Props) {
  const [mode, setMode] = useState<Mode>({ kind: 'locating' });
  const [device, setDevice] = useState<Extract<Mode, { kind: 'device' }> | null>(null);
  const [pin, setPin] = useState<{ lat: number; lon: number } | null>(null);
  const [typed, setTyped] = useState({ lat: '', lon: '' });
  const [goTo, setGoTo] = useState<{ lat: number; lon: number; seq: number } | null>(null);
  const last = readLast();
  // no phone position and none remembered: open the map over the latest flight's area, not at 20° N 0° E
  const needArea = mode.kind === 'map' && !pin && !device && !last;
  const [area, setArea] = useState<{ lat: number; lon: number } | null | 'loading'>(null);
  useEffect(() => {
    if (!needArea || area !== null) return;
    setArea('loading');
    latestFlightArea()
      .then((a) => setArea(a ?? { lat: NaN, lon: NaN }))
      .catch(() => setArea({ lat: NaN, lon: NaN }));
  }, [needArea, area]);
  const areaStart = area && area !== 'loading' && Number.isFinite(area.lat) ? area : null;

  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setMode({ kind: 'map', reason: 'unsupported' });
      return;
    }
    const id = navigator.geolocation.watchPosition(
      (p) => {
        const d = { kind: 'device' as const, lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null };
        setDevice(d);
        setMode((m) => (m.kind === 'map' && m.reason === null ? m : d));
        saveLast(d.lat, d.lon);
      },
      (err) => {
        const reason = err.code === err.PERMISSION_DENIED ? 'denied' : err.code === err.TIMEOUT ? 'timeout' : 'unavailable';
        setMode((m) => (m.kind === 'locating' ? { kind: 'map', reason } : m));
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);

  useEffect(() => {
    if (forceMap && mode.kind !== 'map') setMode({ kind: 'map', reason: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [forceMap]);

  useEffect(() => {
    if (mode.kind === 'device') onChange({ lat: mode.lat, lon: mode.lon, accuracyM: mode.accuracyM, source: 'device' });
    else if (mode.kind === 'map' && pin) onChange({ lat: pin.lat, lon: pin.lon, accuracyM: null, source: 'manual' });
    else onChange(null);
  }, [mode, pin, onChange]);

  const movePin = (lat: number, lon: number) => {
    setPin({ lat, lon });
    setTyped({ lat: lat.toFixed(6), lon: lon.toFixed(6) });
    saveLast(lat, lon);
  };

  const applyTyped = () => {
    const lat = Number(typed.lat);
    const lon = Number(typed.lon);
    if (typed.lat.trim() === '' || typed.lon.trim() === '' || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
    setPin({ lat, lon });
    setGoTo({ lat, lon, seq: Date.now() });
  };

  return (
    <section className="snap-location" aria-labelledby="snap-location-title">
      <h2 id="snap-location-title">{t('snap.location.title')}</h2>
      <p className="hint">{t('snap.location.exifFirst')}</p>
      {mode.kind === 'locating' && <p data-testid="location-status">{t('snap.location.locating')}</p>}
      {mode.kind === 'device' && (
        <>
          <p data-testid="location-status">
            {t('snap.location.device', { lat: mode.lat.toFixed(6), lon: mode.lon.toFixed(6), acc: mode.accuracyM == null ? '?' : Math.round(mode.accuracyM) })}
          </p>
          <button type="button" className="link" onClick={() => setMode({ kind: 'map', reason: null })}>
            {t('snap.location.useMap')}
          </button>
        </>
      )}
      {mode.kind === 'map' && (
        <>
          <p data-testid="location-status">
            {mode.reason ? t('snap.location.unavailable', { reason: t(`snap.location.reason.${mode.reason}`) }) : t('snap.location.pinHelp')}
          </p>
          {needArea && area === 'loading' ? (
            <p className="hint">{t('snap.location.findingArea')}</p>
          ) : (
            <PinMap
              start={pin ?? device ?? last ?? areaStart ?? { lat: 20, lon: 0 }}
              startZoom={pin || device || last ? 16 : areaStart ? 15 : 2}
              onMove={movePin}
              goTo={goTo}
            />
          )}
          <div className="coords">
            <label>
              {t('snap.location.lat')}
              <input inputMode="decimal" value={typed.lat} onChange={(e) => setTyped({ ...typed, lat: e.target.value })} onBlur={applyTyped} name="lat" />
            </label>
            <label>
              {t('snap.location.lon')}
              <input inputMode="decimal" value={typed.lon} onChange={(e) => setTyped({ ...typed, lon: e.target.value })} onBlur={applyTyped} name="lon" />
            </label>
          </div>
          <p className="pin-status" data-testid="pin-status">
            {pin ? t('snap.location.pin', { lat: pin.lat.toFixed(6), lon: pin.lon.toFixed(6) }) : t('snap.location.none')}
          </p>
          {device && (
            <button type="button" className="link" onClick={() => setMode(device)}>
              {t('snap.location.useDevice')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function readLast(): { lat: number; lon: number } | null {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_KEY) ?? 'null') as { lat?: unknown; lon?: unknown } | null;
    return v && typeof v.lat === 'number' && typeof v.lon === 'number' ? { lat: v.lat, lon: v.lon } : null;
  } catch {
    return null;
  }
}

function saveLast(lat: number, lon: number): void {
  try {
    localStorage.setItem(LAST_KEY, JSON.stringify({ lat, lon }));
  } catch {
    /* no storage: the map just starts zoomed out next time */
  }
}
