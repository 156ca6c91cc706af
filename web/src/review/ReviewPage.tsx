import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api } from '../api/client.js';
import { takePrefetchedSites } from '../api/prefetch.js';
import { normaliseSiteDetail } from '../api/siteDetail.js';
import type { AppConfig, FeatureCollection, Flight, GeoFeature, Id, SiteDetailAnswer, SiteFeature } from '../api/types.js';
import { ExportLinks } from '../exports/ExportLinks.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { BasemapPanel } from '../map/BasemapPanel.js';
import { effectiveBasemap, loadSavedBasemap, type BasemapSettings } from '../map/basemap.js';
import { SiteMap } from '../map/SiteMap.js';
import { FlightLayers } from '../map/FlightLayers.js';
import { flightDisplayName } from '../flights/flightName.js';
import { imageryFrom, firstTakenByFlight, framesByFlight } from '../map/imagery.js';
import { ConflictNotice } from './ConflictNotice.js';
import { ReviewController, type ReviewDeps } from './controller.js';
import { Filters } from './Filters.js';
import { isTypingTarget, reviewActionFor } from './keys.js';
import { KeyHints } from './KeyHints.js';
import { defaultFilters, siteQuery, type QueueFilters } from './queue.js';
import { QueueList } from './QueueList.js';
import { SitePanel } from './SitePanel.js';

export const httpReviewDeps: ReviewDeps = {
  fetchSites: async (query) =>
    (await takePrefetchedSites(query)) ?? (await api<FeatureCollection<SiteFeature>>(`/api/sites${query ? `?${query}` : ''}`)).features,
  fetchDetail: async (id) => normaliseSiteDetail(await api<SiteDetailAnswer>(`/api/sites/${encodeURIComponent(String(id))}`)),
  sendReview: (id, body) => api(`/api/sites/${encodeURIComponent(String(id))}/review`, { method: 'POST', json: body }),
  preloadImage: (url) => {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
  },
};

interface Props {
  config: AppConfig | null;
  flights: Flight[];
  canReview: boolean;
  deps?: ReviewDeps;
  /** Re-reads the sites every so often while flights are still processing. */
  refreshMs?: number;
  /** Opens the queue on one flight (from the flights page). */
  initialFlight?: string;
}

export function ReviewPage({ config, flights, canReview, deps = httpReviewDeps, refreshMs = 15000, initialFlight = '' }: Props) {
  const lang = useLang();
  const controller = useMemo(() => new ReviewController(deps), [deps]);
  const snap = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [filters, setFilters] = useState<QueueFilters>({ ...defaultFilters, flight: initialFlight });
  const [saved, setSaved] = useState<BasemapSettings | null>(loadSavedBasemap);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [showFootprints, setShowFootprints] = useState(true);
  const [showTrack, setShowTrack] = useState(true);
  const [overlays, setOverlays] = useState<FeatureCollection | null>(null);
  const [overlaysFor, setOverlaysFor] = useState<string | null>(null);
  const [imageryOn, setImageryOn] = useState<Set<string> | null>(null);
  const [zoomOpen, setZoomOpen] = useState(false);

  const query = siteQuery(filters);
  useEffect(() => {
    void controller.load(query, filters.status);
  }, [controller, query, filters.status]);

  const processing = flights.some((f) => f.status === 'processing' || f.status === 'queued');
  const wasProcessing = useRef(processing);
  useEffect(() => {
    const refresh = () => void controller.load(query, filters.status, { keepPosition: true });
    if (wasProcessing.current && !processing) refresh(); // a flight just finished: its last sites are in
    wasProcessing.current = processing;
    if (!processing) return;
    const timer = setInterval(refresh, refreshMs);
    return () => clearInterval(timer);
  }, [controller, processing, query, filters.status, refreshMs]);

  // Footprints and tracks of the filtered flight, or of every flight (most recent first, capped).
  const flightIds = filters.flight ? [filters.flight] : flights.slice(0, 25).map((f) => String(f.id));
  const flightKey = flightIds.join(',');
  useEffect(() => {
    let live = true;
    Promise.all(
      flightIds.map((id) => api<FeatureCollection>(`/api/flights/${encodeURIComponent(id)}/footprints`).catch(() => null)),
    ).then((parts) => {
      if (!live) return;
      const features: GeoFeature[] = parts.flatMap((p) => p?.features ?? []);
      setOverlays({ type: 'FeatureCollection', features });
      setOverlaysFor(flightKey);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flightKey]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      // Esc leaves a filter field or the note, so the review keys work again
      if (e.key === 'Escape' && isTypingTarget(e.target)) (e.target as HTMLElement).blur();
      if ((e.key === 'z' || e.key === 'Z') && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target)) {
        e.preventDefault();
        setZoomOpen(true);
        return;
      }
      const action = reviewActionFor(e);
      if (!action) return;
      if (!canReview && (action === 'confirm' || action === 'reject' || action === 'undo')) return;
      e.preventDefault();
      if (action === 'confirm') controller.decide('confirmed');
      else if (action === 'reject') controller.decide('rejected');
      else if (action === 'next') controller.next();
      else if (action === 'previous') controller.previous();
      else controller.undo();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, canReview]);

  const serverDefault = effectiveBasemap(config, null);
  const basemap = effectiveBasemap(config, saved);
  const current = snap.current;
  const currentId = current ? String(current.properties.id) : null;
  const detail = current ? controller.detail(current.properties.id) : null;
  const flightNames = new Map(flights.map((f) => [String(f.id), flightDisplayName(f)]));
  const conflictIds = new Set(snap.conflicts.map((c) => String(c.siteId)));
  const currentConflict = snap.conflicts.find((c) => String(c.siteId) === currentId);
  const otherConflicts = snap.conflicts.filter((c) => String(c.siteId) !== currentId);
  const select = (id: Id) => controller.select(id);
  // imagery: the filtered flight, else the latest flight, until the reviewer switches flights on or off
  const defaultImagery = useMemo(() => new Set(flightIds.slice(0, 1)), [flightKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const imageryFlights = imageryOn ?? defaultImagery;
  const imagery = useMemo(() => imageryFrom(overlays, imageryFlights), [overlays, imageryFlights]);
  const mapFlights = flights.filter((f) => flightIds.includes(String(f.id)));
  const ready = snap.loadedQuery === query && overlaysFor === flightKey;
  const outlines = useMemo(
    () =>
      snap.all
        .filter((s) => s.properties.outline?.type === 'Polygon')
        .map((s) => ({ type: 'Feature', geometry: s.properties.outline, properties: { siteId: s.properties.id } }) as unknown as GeoFeature),
    [snap.all],
  );

  // with the viewer open, the next sites' originals are fetched ahead so moving on shows them at once
  useEffect(() => {
    if (!zoomOpen) return;
    for (let i = snap.index + 1; i <= snap.index + 2 && i < snap.queue.length; i++) {
      const d = controller.detail(snap.queue[i].properties.id)?.detections[0];
      if (d?.imageId != null) deps.preloadImage(`/api/images/${d.imageId}/original`);
    }
  }, [zoomOpen, snap.index, snap.queue, controller, deps, snap.loadId, detail]);

  return (
    <div className="review-layout" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <aside className="sidebar">
        <Filters filters={filters} onChange={setFilters} flights={flights} counts={snap.counts} />
        <h2 className="queue-title">
          {t('review.queue.title')} <span className="muted">{t('review.queue.byScore')}</span>
        </h2>
        {snap.loadError && (
          <p className="form-error" role="alert">
            {t('common.error', { message: snap.loadError })}
          </p>
        )}
        <QueueList queue={snap.queue} index={snap.index} onSelect={select} conflictIds={conflictIds} />
        <ExportLinks filters={filters} />
      </aside>

      <section className="map-column">
        <div className="map-toolbar">
          <label className="check">
            <input type="checkbox" checked={showFootprints} onChange={(e) => setShowFootprints(e.target.checked)} />
            {t('review.map.footprints')}
          </label>
          <label className="check">
            <input type="checkbox" checked={showTrack} onChange={(e) => setShowTrack(e.target.checked)} />
            {t('review.map.track')}
          </label>
          <button type="button" onClick={() => setSettingsOpen((v) => !v)} aria-expanded={settingsOpen}>
            {t('review.basemap.button')}
          </button>
          {snap.saving > 0 && <span className="muted">{t('review.saving', { n: snap.saving })}</span>}
        </div>
        {settingsOpen && (
          <BasemapPanel current={basemap} serverDefault={serverDefault} onChange={setSaved} onClose={() => setSettingsOpen(false)} />
        )}
        <SiteMap
          sites={snap.all}
          selected={current}
          onSelect={select}
          overlays={overlays}
          showFootprints={showFootprints}
          showTrack={showTrack}
          basemap={basemap}
          dataKey={snap.loadId}
          fitKey={ready ? `${query}|${flightKey}` : ''}
          imagery={imagery}
          outlines={outlines}
          attributionPrefix={config?.map?.attributionPrefix ?? 'PoppyWatch'}
        />
        <FlightLayers
          flights={mapFlights}
          takenFrom={firstTakenByFlight(overlays)}
          frameCounts={framesByFlight(overlays)}
          imageryOn={imageryFlights}
          onToggle={(id, on) => {
            const next = new Set(imageryFlights);
            if (on) next.add(id);
            else next.delete(id);
            setImageryOn(next);
          }}
          onShow={(id) => setFilters((f) => ({ ...f, flight: id }))}
        />
      </section>

      <section className="detail-column" aria-live="polite">
        {otherConflicts.map((c) => (
          <ConflictNotice
            key={String(c.siteId)}
            conflict={c}
            onShow={() => controller.select(c.siteId)}
            onKeepTheirs={() => controller.resolveConflict(c.siteId, 'theirs')}
            onApplyMine={() => controller.resolveConflict(c.siteId, 'mine')}
          />
        ))}
        {snap.errors.map((err) => (
          <div key={String(err.siteId)} className="notice notice-error" role="alert">
            {t('review.saveFailed', { id: String(err.siteId), message: err.message })}
            <div className="actions">
              <button type="button" onClick={() => controller.retry(err.siteId)}>
                {t('common.retry')}
              </button>
              <button type="button" onClick={() => controller.dismissError(err.siteId)}>
                {t('common.close')}
              </button>
            </div>
          </div>
        ))}
        {currentConflict && (
          <ConflictNotice
            conflict={currentConflict}
            onKeepTheirs={() => controller.resolveConflict(currentConflict.siteId, 'theirs')}
            onApplyMine={() => controller.resolveConflict(currentConflict.siteId, 'mine')}
          />
        )}
        {snap.atEnd && current && (
          <div className="notice notice-end" role="status" data-testid="end-of-queue">
            {snap.counts.pending > 0 && filters.status !== 'pending'
              ? t('review.queue.endPending', { n: snap.queue.length, pending: snap.counts.pending })
              : snap.queue.every((s) => s.properties.status !== 'pending')
                ? t('review.queue.endAllDone', { n: snap.queue.length })
                : t('review.queue.end', { n: snap.queue.length })}
          </div>
        )}
        {current ? (
          <SitePanel
            key={currentId!}
            site={current}
            detail={detail}
            labels={config?.model?.labels ?? []}
            flightName={current.properties.flightId != null ? (flightNames.get(String(current.properties.flightId)) ?? null) : null}
            note={controller.noteFor(current.properties.id)}
            onNote={(n) => controller.setNote(current.properties.id, n)}
            position={{ index: snap.index, total: snap.queue.length }}
            zoomOpen={zoomOpen}
            onZoom={setZoomOpen}
          />
        ) : (
          <p className="muted empty">{snap.loading ? t('common.loading') : t('review.queue.nothingSelected')}</p>
        )}
        <KeyHints canReview={canReview} canUndo={snap.canUndo} controller={controller} />
      </section>
    </div>
  );
}
