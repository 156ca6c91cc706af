import { useEffect, useRef, useState } from 'react';
import L from 'leaflet';
import Supercluster from 'supercluster';
import type { FeatureCollection, GeoFeature, Id, SiteFeature, SiteStatus } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import type { BasemapSettings } from './basemap.js';
import { basemapLayer, watchTiles } from './basemapLayer.js';
import { toMapLonLat } from './gcj02.js';
import { FrameOverlayLayer, type FrameOverlaySpec } from './frameOverlays.js';
import { parseLatLon } from './parseLatLon.js';
import { setPlainPrefix } from './attribution.js';
import { setZoomTitles } from './zoomTitles.js';
import { scoreOpacity, statusColor } from './colors.js';

interface ClusterProps {
  id: Id;
  status: SiteStatus;
  score: number;
  pending: number;
  confirmed: number;
  rejected: number;
  maxScore: number;
}

export type BasemapState = 'none' | 'loading' | 'ok' | 'unavailable';

interface Props {
  sites: SiteFeature[];
  selected: SiteFeature | null;
  onSelect: (id: Id) => void;
  overlays: FeatureCollection | null;
  showFootprints: boolean;
  showTrack: boolean;
  basemap: BasemapSettings;
  /** Changing this fits the view to the data again (new filters). */
  fitKey: string;
  /** Changes when a new set of sites was loaded (positions may differ); status changes alone keep it. */
  dataKey: number;
  /** frames drawn as georeferenced images under the sites (WGS-84 corners) */
  imagery?: FrameOverlaySpec[];
  /** plain text in front of the attribution (no Leaflet flag); "" shows none */
  attributionPrefix?: string;
  /** site outlines (GeoJSON Polygon, WGS-84) when the pipeline provides them */
  outlines?: GeoFeature[];
}

function clusterColor(p: ClusterProps): string {
  if (p.pending > 0) return statusColor.pending;
  return p.confirmed >= p.rejected ? statusColor.confirmed : statusColor.rejected;
}

export function SiteMap({ sites, selected, onSelect, overlays, showFootprints, showTrack, basemap, fitKey, dataKey, imagery = [], attributionPrefix = 'PoppyWatch', outlines = [] }: Props) {
  const lang = useLang();
  const holder = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markers = useRef<L.LayerGroup | null>(null);
  const selection = useRef<L.LayerGroup | null>(null);
  const selectionRenderer = useRef<L.Renderer | null>(null);
  const overlayLayer = useRef<L.LayerGroup | null>(null);
  const index = useRef<Supercluster<ClusterProps, ClusterProps> | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [basemapState, setBasemapState] = useState<BasemapState>('none');
  const fitted = useRef<string | null>(null);
  const latest = useRef(new Map<string, SiteFeature['properties']>());
  const drawnPoints = useRef(new Map<string, L.CircleMarker>());
  const indexedKey = useRef<string | null>(null);
  const [search, setSearch] = useState('');
  const [searchError, setSearchError] = useState(false);
  const searchMark = useRef<L.Layer | null>(null);

  // The map itself, once.
  useEffect(() => {
    const map = L.map(holder.current!, { preferCanvas: true, zoomControl: true, worldCopyJump: true, attributionControl: true });
    map.setView([20, 0], 2);
    const renderer = L.canvas({ padding: 0.3 });
    overlayLayer.current = L.layerGroup().addTo(map);
    markers.current = L.layerGroup().addTo(map);
    // the selected site sits above cluster icons (marker pane 600), so it stays visible inside a cluster
    map.createPane('selection').style.zIndex = '650';
    selectionRenderer.current = L.svg({ pane: 'selection' });
    selection.current = L.layerGroup().addTo(map);
    (markers.current as L.LayerGroup & { renderer?: L.Renderer }).renderer = renderer;
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
    mapRef.current = map;
    map.on('moveend', () => drawClusters());
    return () => {
      map.remove();
      mapRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (mapRef.current) setZoomTitles(mapRef.current);
  }, [lang]);

  // Basemap tiles; a tile error with no successful tile means the basemap is unavailable (offline, wrong URL).
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const layer = basemapLayer(basemap);
    if (!layer) {
      setBasemapState('none');
      return;
    }
    setBasemapState('loading');
    watchTiles(layer, setBasemapState);
    layer.addTo(map);
    layer.bringToBack();
    return () => {
      layer.remove();
    };
  }, [basemap.url, basemap.pmtiles, basemap.attribution]);

  useEffect(() => {
    if (mapRef.current) setPlainPrefix(mapRef.current, attributionPrefix);
  }, [attributionPrefix]);

  // The flight's own imagery, most nadir frame on top.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || imagery.length === 0) return;
    const layer = new FrameOverlayLayer(
      imagery.map((f) => ({ ...f, corners: f.corners.map(([lon, lat]) => toMapLonLat(lon, lat, basemap.gcj02)) })),
    );
    layer.addTo(map);
    return () => {
      layer.remove();
    };
  }, [imagery, basemap.gcj02]);

  // Site outlines from the pipeline, when present.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || outlines.length === 0) return;
    const layer = L.geoJSON({ type: 'FeatureCollection', features: outlines } as GeoJSON.FeatureCollection, {
      coordsToLatLng: (c) => {
        const [lon, lat] = toMapLonLat(c[0], c[1], basemap.gcj02);
        return L.latLng(lat, lon);
      },
      style: { color: '#ff2d55', weight: 2, fill: false, className: 'site-outline' },
      interactive: false,
      // SVG, not the map's canvas: thin outlines stay crisp and tests can count them
      renderer: L.svg(),
    } as L.GeoJSONOptions);
    layer.addTo(map);
    return () => {
      layer.remove();
    };
  }, [outlines, basemap.gcj02]);

  function goTo(e: React.FormEvent) {
    e.preventDefault();
    const map = mapRef.current;
    const p = parseLatLon(search);
    setSearchError(!p);
    if (!map || !p) return;
    const [lon, lat] = toMapLonLat(p.lon, p.lat, basemap.gcj02);
    searchMark.current?.remove();
    searchMark.current = L.circleMarker([lat, lon], { radius: 6, color: '#000', weight: 2, fillColor: '#fff', fillOpacity: 1, interactive: false, pane: 'selection' }).addTo(map);
    map.setView([lat, lon], Math.max(map.getZoom(), 17), { animate: false });
  }

  function drawClusters() {
    const map = mapRef.current;
    const group = markers.current;
    const idx = index.current;
    if (!map || !group) return;
    group.clearLayers();
    drawnPoints.current.clear();
    if (!idx) return;
    const b = map.getBounds();
    const bbox: [number, number, number, number] = [
      Math.max(-180, b.getWest()),
      Math.max(-85, b.getSouth()),
      Math.min(180, b.getEast()),
      Math.min(85, b.getNorth()),
    ];
    const zoom = Math.round(map.getZoom());
    const renderer = (group as L.LayerGroup & { renderer?: L.Renderer }).renderer;
    for (const c of idx.getClusters(bbox, zoom)) {
      const [lon, lat] = c.geometry.coordinates;
      const p = c.properties as ClusterProps & { cluster?: boolean; point_count?: number; cluster_id?: number };
      if (p.cluster) {
        const count = p.point_count ?? 0;
        const size = Math.round(22 + Math.min(24, Math.log2(count) * 3));
        const icon = L.divIcon({
          className: 'cluster-icon',
          html: `<span style="background:${clusterColor(p)};opacity:${scoreOpacity(p.maxScore)};width:${size}px;height:${size}px;line-height:${size}px">${count}</span>`,
          iconSize: [size, size],
        });
        const m = L.marker([lat, lon], { icon, keyboard: false, title: t('review.map.cluster', { count }) });
        m.on('click', () => {
          const zoomTo = Math.min(idx.getClusterExpansionZoom(p.cluster_id!), 19);
          map.setView([lat, lon], zoomTo);
        });
        group.addLayer(m);
      } else {
        const now = latest.current.get(String(p.id)) ?? p;
        const m = L.circleMarker([lat, lon], {
          renderer,
          radius: 7,
          color: '#1d2733',
          weight: 1,
          fillColor: statusColor[now.status],
          fillOpacity: scoreOpacity(now.score),
        });
        m.on('click', () => onSelectRef.current(p.id));
        drawnPoints.current.set(String(p.id), m);
        group.addLayer(m);
      }
    }
  }

  // A new data set: build the cluster index now. A decision only re-colours: the visible point is restyled at
  // once, and the index (cluster colours) is rebuilt once the reviewer pauses, so keys never wait for it.
  useEffect(() => {
    latest.current = new Map(sites.map((s) => [String(s.properties.id), s.properties]));
    const key = `${dataKey}|${basemap.gcj02}`;
    if (indexedKey.current !== key) {
      indexedKey.current = key;
      buildIndex();
      return;
    }
    for (const [id, marker] of drawnPoints.current) {
      const p = latest.current.get(id);
      if (p) marker.setStyle({ fillColor: statusColor[p.status], fillOpacity: scoreOpacity(p.score) });
    }
    const timer = setTimeout(buildIndex, 2000);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sites, dataKey, basemap.gcj02]);

  function buildIndex() {
    performance.mark('poppy:cluster-start');
    const sc = new Supercluster<ClusterProps, ClusterProps>({
      radius: 50,
      extent: 256, // Leaflet tiles are 256 px, so the radius is in screen pixels
      maxZoom: 16, // closer in, every site is drawn on its own
      map: (p) => ({
        id: p.id,
        status: p.status,
        score: p.score,
        pending: p.status === 'pending' ? 1 : 0,
        confirmed: p.status === 'confirmed' ? 1 : 0,
        rejected: p.status === 'rejected' ? 1 : 0,
        maxScore: p.score,
      }),
      reduce: (acc, p) => {
        acc.pending += p.pending;
        acc.confirmed += p.confirmed;
        acc.rejected += p.rejected;
        acc.maxScore = Math.max(acc.maxScore, p.maxScore);
      },
    });
    sc.load(
      sites.map((s) => {
        const [lon, lat] = toMapLonLat(s.geometry.coordinates[0], s.geometry.coordinates[1], basemap.gcj02);
        const p = s.properties;
        return {
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [lon, lat] },
          properties: { id: p.id, status: p.status, score: p.score, pending: 0, confirmed: 0, rejected: 0, maxScore: p.score },
        };
      }),
    );
    index.current = sc;
    performance.mark('poppy:cluster-built');
    drawClusters();
    performance.mark('poppy:clusters-drawn');
  }

  // Footprints and track.
  useEffect(() => {
    const group = overlayLayer.current;
    if (!group) return;
    group.clearLayers();
    if (!overlays) return;
    const features = overlays.features.filter((f: GeoFeature) =>
      f.geometry.type === 'Polygon' ? showFootprints : f.geometry.type === 'LineString' ? showTrack : false,
    );
    if (!features.length) return;
    const layer = L.geoJSON({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection, {
      coordsToLatLng: (c) => {
        const [lon, lat] = toMapLonLat(c[0], c[1], basemap.gcj02);
        return L.latLng(lat, lon);
      },
      style: (f) =>
        f?.geometry.type === 'LineString'
          ? { color: '#2060c0', weight: 2, dashArray: '6 4', opacity: 0.9 }
          : { color: '#3b7dd8', weight: 1, fillColor: '#3b7dd8', fillOpacity: 0.06 },
      interactive: false,
    });
    group.addLayer(layer);
  }, [overlays, showFootprints, showTrack, basemap.gcj02]);

  // Fit the view to sites and footprints whenever the data set changes.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !fitKey || fitted.current === fitKey) return;
    const bounds = L.latLngBounds([]);
    for (const s of sites) {
      const [lon, lat] = toMapLonLat(s.geometry.coordinates[0], s.geometry.coordinates[1], basemap.gcj02);
      bounds.extend([lat, lon]);
    }
    for (const f of overlays?.features ?? []) {
      const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.type === 'LineString' ? [f.geometry.coordinates] : [];
      for (const ring of rings) for (const [lon, lat] of ring) bounds.extend(toMapLonLat(lon, lat, basemap.gcj02).reverse() as [number, number]);
    }
    if (!bounds.isValid()) return;
    fitted.current = fitKey;
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 19, animate: false });
  }, [fitKey, sites, overlays, basemap.gcj02]);

  // Selected site: a ring on top of everything; pan only when it is off screen.
  useEffect(() => {
    const map = mapRef.current;
    const group = selection.current;
    if (!map || !group) return;
    group.clearLayers();
    if (!selected) return;
    const [lon, lat] = toMapLonLat(selected.geometry.coordinates[0], selected.geometry.coordinates[1], basemap.gcj02);
    const p = selected.properties;
    if (p.errorRadiusM > 0) {
      group.addLayer(
        L.circle([lat, lon], { radius: p.errorRadiusM, color: statusColor[p.status], weight: 1, fillOpacity: 0.08, interactive: false, pane: 'selection', renderer: selectionRenderer.current! }),
      );
    }
    group.addLayer(
      L.circleMarker([lat, lon], {
        radius: 11, color: '#0b1520', weight: 3, fillColor: statusColor[p.status], fillOpacity: 0.9, interactive: false, pane: 'selection', renderer: selectionRenderer.current!,
      }),
    );
    if (!map.getBounds().pad(-0.1).contains([lat, lon])) map.panTo([lat, lon], { animate: false });
  }, [selected, basemap.gcj02]);

  return (
    <div className="map-wrap">
      <div ref={holder} className="map" role="region" aria-label={t('review.map.label')} data-testid="site-map" />
      <form className="map-search" onSubmit={goTo} role="search">
        <input
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setSearchError(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
          }}
          placeholder={t('review.map.searchPlaceholder')}
          aria-label={t('review.map.search')}
          aria-invalid={searchError}
          data-testid="map-search"
        />
        {searchError && <span className="form-error small">{t('review.map.searchInvalid')}</span>}
      </form>
      {basemapState !== 'ok' && basemapState !== 'loading' && (
        <div className="map-notice" role="status" data-testid="basemap-notice">
          {basemapState === 'none' ? t('review.map.noBasemap') : t('review.map.basemapUnavailable')}
        </div>
      )}
      <div className="map-legend" aria-hidden="true">
        {(['pending', 'confirmed', 'rejected'] as SiteStatus[]).map((s) => (
          <span key={s}>
            <i style={{ background: statusColor[s] }} />
            {t(`review.status.${s}`)}
          </span>
        ))}
      </div>
    </div>
  );
}
