import { useEffect, useRef, useState } from 'react';
import type { DetectionView } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { orientBox } from './FrameWithBox.js';
import { groundToPixel, uprightSize, uprightTransform } from './zoomGeometry.js';

interface Props {
  detection: DetectionView;
  /** site outline on the ground, drawn when the pipeline measured one */
  outline?: [number, number][] | null;
  onClose: () => void;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 16;

/**
 * The original frame at native resolution (scale 1 = one image pixel per screen pixel), centred on the detection,
 * with its box and the site outline. Wheel or +/− zoom, drag pans, 0 fits the frame, 1 is native size, Esc closes.
 * The server preview fills in while the original loads.
 */
export function ZoomViewer({ detection, outline, onClose }: Props) {
  useLang();
  const viewport = useRef<HTMLDivElement>(null);
  const W = detection.imageWidth ?? 0;
  const H = detection.imageHeight ?? 0;
  const o = detection.orientation ?? 1;
  const up = uprightSize(W, H, o);
  const [view, setView] = useState<{ s: number; tx: number; ty: number } | null>(null);
  const [loaded, setLoaded] = useState(false);
  const drag = useRef<{ x: number; y: number; tx: number; ty: number } | null>(null);

  const centre = () => {
    if (!detection.box) return { x: up.width / 2, y: up.height / 2 };
    const b = orientBox(detection.box, W, H, o).box;
    return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
  };

  // native resolution, centred on the site, whenever the site changes
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const c = centre();
    setView({ s: 1, tx: el.clientWidth / 2 - c.x, ty: el.clientHeight / 2 - c.y });
    setLoaded(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detection.id]);

  const zoomAt = (factor: number, px?: number, py?: number) =>
    setView((v) => {
      const el = viewport.current;
      if (!v || !el) return v;
      const x = px ?? el.clientWidth / 2;
      const y = py ?? el.clientHeight / 2;
      const s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.s * factor));
      const k = s / v.s;
      return { s, tx: x - (x - v.tx) * k, ty: y - (y - v.ty) * k };
    });

  const fit = () => {
    const el = viewport.current;
    if (!el || !up.width) return;
    const s = Math.min(el.clientWidth / up.width, el.clientHeight / up.height);
    setView({ s, tx: (el.clientWidth - up.width * s) / 2, ty: (el.clientHeight - up.height * s) / 2 });
  };

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape' || ((e.key === 'z' || e.key === 'Z') && !e.ctrlKey && !e.metaKey)) {
        e.preventDefault();
        e.stopImmediatePropagation();
        onClose();
      } else if (e.key === '+' || e.key === '=') zoomAt(1.5);
      else if (e.key === '-' || e.key === '_') zoomAt(1 / 1.5);
      else if (e.key === '0') fit();
      else if (e.key === '1') {
        const el = viewport.current;
        const c = centre();
        if (el) setView({ s: 1, tx: el.clientWidth / 2 - c.x, ty: el.clientHeight / 2 - c.y });
      }
    }
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  });

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const toPixel = outline && detection.footprint ? groundToPixel(detection.footprint, W, H) : null;
  const outlinePts = toPixel && outline ? outline.map((p) => toPixel(p).join(',')).join(' ') : null;
  const stroke = 2 / (view?.s ?? 1);
  const b = detection.box;

  return (
    <div className="zoom-viewer" role="dialog" aria-modal="true" aria-label={t('review.zoom.title')} data-testid="zoom-viewer">
      <div className="zoom-bar">
        <strong>{t('review.zoom.title')}</strong>
        <span className="muted">{detection.imageName ?? ''}</span>
        <span data-testid="zoom-scale">{view ? `${Math.round(view.s * 100)} %` : ''}</span>
        <span className="muted small">{loaded ? t('review.zoom.native', { w: W, h: H }) : t('review.zoom.loading')}</span>
        <span className="spacer" />
        <span className="muted small">{t('review.zoom.keys')}</span>
        <button type="button" onClick={() => zoomAt(1.5)} aria-label={t('common.zoomIn')}>+</button>
        <button type="button" onClick={() => zoomAt(1 / 1.5)} aria-label={t('common.zoomOut')}>−</button>
        <button type="button" onClick={fit}>{t('review.zoom.fit')}</button>
        <button type="button" onClick={onClose}>
          <kbd>Esc</kbd> {t('common.close')}
        </button>
      </div>
      <div
        ref={viewport}
        className="zoom-viewport"
        onPointerDown={(e) => {
          if (!view) return;
          (e.target as Element).setPointerCapture?.(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, tx: view.tx, ty: view.ty };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) setView((v) => (v ? { ...v, tx: d.tx + e.clientX - d.x, ty: d.ty + e.clientY - d.y } : v));
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
      >
        {view && (
          <div className="zoom-stage" style={{ width: up.width, height: up.height, transform: `translate(${view.tx}px, ${view.ty}px) scale(${view.s})` }}>
            {!loaded && <img className="zoom-preview" src={detection.previewUrl} alt="" draggable={false} style={{ width: up.width, height: up.height }} />}
            <div className="zoom-stored" style={{ width: W, height: H, transform: uprightTransform(W, H, o) }}>
              <img
                className="zoom-original"
                src={`/api/images/${detection.imageId}/original`}
                alt={t('review.detail.frameAlt', { name: detection.imageName ?? '' })}
                width={W}
                height={H}
                draggable={false}
                onLoad={() => setLoaded(true)}
                data-testid="zoom-original"
                style={{ opacity: loaded ? 1 : 0 }}
              />
              <svg className="zoom-marks" viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
                {b && <rect x={b.x} y={b.y} width={b.w} height={b.h} fill="none" stroke="#ff2d55" strokeWidth={stroke} />}
                {b && <rect x={b.x - 6 * stroke} y={b.y - 6 * stroke} width={b.w + 12 * stroke} height={b.h + 12 * stroke} fill="none" stroke="#fff" strokeOpacity={0.8} strokeWidth={stroke / 2} />}
                {outlinePts && <polygon points={outlinePts} fill="none" stroke="#ffd60a" strokeWidth={stroke * 1.5} data-testid="zoom-outline" />}
              </svg>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
