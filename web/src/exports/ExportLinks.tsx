import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { siteQuery, type QueueFilters } from '../review/queue.js';

const formats = [
  { ext: 'geojson', key: 'review.export.geojson' },
  { ext: 'kml', key: 'review.export.kml' },
  { ext: 'csv', key: 'review.export.csv' },
  { ext: 'gpx', key: 'review.export.gpx' },
];

/** Downloads of the confirmed sites, narrowed by the queue's flight, score and date filters. */
export function ExportLinks({ filters }: { filters: QueueFilters }) {
  const lang = useLang();
  // descriptions inside KML/GPX (and the demo flight's name) in the reader's language
  const q = [siteQuery(filters), `lang=${lang}`].filter(Boolean).join('&');
  return (
    <nav className="exports" aria-label={t('review.export.label')}>
      <span>{t('review.export.label')}</span>
      {formats.map((f) => (
        <a key={f.ext} href={`/api/exports/sites.${f.ext}${q ? `?${q}` : ''}`} download data-testid={`export-${f.ext}`}>
          {t(f.key)}
        </a>
      ))}
    </nav>
  );
}
