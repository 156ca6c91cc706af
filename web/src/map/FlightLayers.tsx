import type { Flight } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { flightDisplayName } from '../flights/flightName.js';
import { formatDate } from '../review/format.js';

interface Props {
  flights: Flight[];
  /** first frame time per flight id, when the frames are known */
  takenFrom: Map<string, string>;
  imageryOn: Set<string>;
  onToggle: (flightId: string, on: boolean) => void;
  onShow: (flightId: string) => void;
  frameCounts: Map<string, number>;
}

/** The flights on the map with their dates; each one's imagery can be switched on and off. */
export function FlightLayers({ flights, takenFrom, imageryOn, onToggle, onShow, frameCounts }: Props) {
  const lang = useLang();
  if (flights.length === 0) return null;
  return (
    <details className="flight-layers panel" open data-testid="flight-layers">
      <summary>{t('review.map.flights', { n: flights.length })}</summary>
      <ul>
        {flights.map((f) => {
          const id = String(f.id);
          const frames = frameCounts.get(id) ?? 0;
          return (
            <li key={id}>
              <label className="check" title={t('review.map.imageryToggle')}>
                <input
                  type="checkbox"
                  checked={imageryOn.has(id)}
                  disabled={frames === 0}
                  onChange={(e) => onToggle(id, e.target.checked)}
                  data-testid={`imagery-${id}`}
                />
                <span className="flight-layer-name">{flightDisplayName(f)}</span>
              </label>{' '}
              <button type="button" className="link small" onClick={() => onShow(id)}>
                {formatDate(takenFrom.get(id) ?? f.createdAt, lang)}
              </button>{' '}
              <span className="muted small">{t('review.map.frameCount', { n: frames })}</span>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
