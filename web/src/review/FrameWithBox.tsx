import type { DetectionView } from '../api/types.js';
import { t } from '../i18n/index.js';

type Box = { x: number; y: number; w: number; h: number };

/**
 * The box is stored in the original (unrotated) pixels; the preview is shown right way up. Map the box and the
 * frame size through the EXIF orientation (1 upright, 3 rotated 180°, 6 rotate 90° clockwise, 8 rotate 90° anticlockwise).
 */
export function orientBox(box: Box, width: number, height: number, orientation: number | null | undefined): { box: Box; width: number; height: number } {
  switch (orientation) {
    case 3:
      return { box: { x: width - box.x - box.w, y: height - box.y - box.h, w: box.w, h: box.h }, width, height };
    case 6:
      return { box: { x: height - box.y - box.h, y: box.x, w: box.h, h: box.w }, width: height, height: width };
    case 8:
      return { box: { x: box.y, y: width - box.x - box.w, w: box.h, h: box.w }, width: height, height: width };
    default:
      return { box, width, height };
  }
}

/** The whole frame (server preview, right way up) with the detection box drawn over it in frame pixels. */
export function FrameWithBox({ detection }: { detection: DetectionView }) {
  const src = detection.previewUrl;
  const alt = t('review.detail.frameAlt', { name: detection.imageName ?? '' });
  if (!detection.imageWidth || !detection.imageHeight || !detection.box) return <img className="frame" src={src} alt={alt} />;
  const { box: b, width: w, height: h } = orientBox(detection.box, detection.imageWidth, detection.imageHeight, detection.orientation);
  const stroke = Math.max(2, Math.round(Math.max(w, h) / 300));
  const pad = stroke * 4;
  return (
    <svg className="frame" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={alt} data-testid="frame-with-box">
      <image href={src} x={0} y={0} width={w} height={h} preserveAspectRatio="none" />
      <rect x={b.x} y={b.y} width={b.w} height={b.h} fill="none" stroke="#ff2d55" strokeWidth={stroke} />
      <rect x={b.x - pad} y={b.y - pad} width={b.w + 2 * pad} height={b.h + 2 * pad} fill="none" stroke="#fff" strokeOpacity={0.8} strokeWidth={stroke / 2} />
    </svg>
  );
}
