import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { errorOf } from '../i18n/errors.js';
import { t } from '../i18n/index.js';

interface FieldEventView {
  id: number;
  before: string | null;
  after: string;
  assignee: string | null;
  dueDate: string | null;
  plantsCounted: number | null;
  species: string | null;
  note: string | null;
  username: string | null;
  at: string;
  photos: { imageId: number; previewUrl: string; thumbUrl: string; takenAt: string | null; location: { lat: number; lon: number } | null }[];
}

/** A site's field record, oldest first, with the evidence photos (GET /api/sites/:id/field). */
export function FieldHistory({ siteId }: { siteId: number }) {
  const [events, setEvents] = useState<FieldEventView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ events: FieldEventView[] }>(`/api/sites/${siteId}/field`)
      .then((d) => setEvents(d.events))
      .catch((e) => setError(errorOf(e)));
  }, [siteId]);
  if (error) return <p className="error">{t('common.error', { message: error })}</p>;
  if (!events) return <p className="muted">{t('common.loading')}</p>;
  if (events.length === 0) return <p className="muted">{t('fieldPage.noHistory')}</p>;
  return (
    <ol className="field-history" data-testid="field-history">
      {events.map((e) => (
        <li key={e.id}>
          <strong>{t(`field.state.${e.after}`)}</strong> · {new Date(e.at).toLocaleString()} · {e.username ?? '—'}
          {e.after === 'assigned' && e.assignee && ` → ${e.assignee}${e.dueDate ? ` (${t('field.due', { date: e.dueDate })})` : ''}`}
          {e.plantsCounted != null && ` · ${t('fieldPage.plants', { n: e.plantsCounted })}`}
          {e.species && ` · ${e.species}`}
          {e.note && <div className="field-history-note">{e.note}</div>}
          {e.photos.length > 0 && (
            <div className="field-history-photos">
              {e.photos.map((p) => (
                <a key={p.imageId} href={p.previewUrl} target="_blank" rel="noreferrer" title={p.location ? `${p.location.lat.toFixed(6)}, ${p.location.lon.toFixed(6)}` : undefined}>
                  <img src={p.thumbUrl} alt={t('fieldPage.photo')} loading="lazy" />
                </a>
              ))}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
