import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chooseLocation, readPhotoExif } from '../src/snap/location.js';
import { isUsablePosition } from '../src/domain/position.js';
import { sniffPhotoType } from '../src/images/sniff.js';
import { decideVerdict } from '../src/snap/verdict.js';
import { ftypBox } from './helpers/hostileFiles.js';

const manifest = {
  thresholds: { closeup: 0.6, closeupUncertainLow: 0.3, droneTile: 0.5 },
  labels: [
    { id: 'opium_poppy', en: 'Opium poppy', zh: '罂粟', group: 'poppy' as const, kind: 'closeup' as const },
    { id: 'corn_poppy', en: 'Corn poppy', zh: '虞美人', group: 'other' as const, kind: 'closeup' as const },
    { id: 'sunflower', en: 'Sunflower', zh: '向日葵', group: 'other' as const, kind: 'closeup' as const },
    { id: 'daisy', en: 'Daisy', zh: '雏菊', group: 'other' as const, kind: 'closeup' as const },
    { id: 'poppy_plot_aerial', en: 'Poppy plot (aerial)', zh: '罂粟地块（航拍）', group: 'poppy' as const, kind: 'drone' as const },
  ],
};

describe('decideVerdict', () => {
  it('calls poppy at or above the close-up threshold, with advice not to touch and to call in', () => {
    const v = decideVerdict([{ label: 'opium_poppy', score: 0.6 }, { label: 'corn_poppy', score: 0.3 }, { label: 'daisy', score: 0.1 }], 0.6, manifest);
    expect(v.verdict).toBe('poppy');
    expect(v.advice).toEqual(['do_not_touch', 'mark_and_photograph_area', 'call_in']);
    expect(v.top.map((t) => t.label)).toEqual(['opium_poppy', 'corn_poppy', 'daisy']);
    expect(v.top[0]).toMatchObject({ en: 'Opium poppy', zh: '罂粟', poppy: true });
  });

  it('is uncertain inside [closeupUncertainLow, closeup) and not poppy below', () => {
    expect(decideVerdict([{ label: 'sunflower', score: 0.7 }], 0.3, manifest).verdict).toBe('uncertain');
    expect(decideVerdict([{ label: 'sunflower', score: 0.7 }], 0.5999, manifest).verdict).toBe('uncertain');
    const no = decideVerdict([{ label: 'sunflower', score: 0.8 }, { label: 'opium_poppy', score: 0.1 }], 0.1, manifest);
    expect(no.verdict).toBe('not_poppy');
    expect(no.advice).toEqual(['carry_on_logged']);
  });

  it('never says poppy when the best match shown is another plant (issue 11: "daisy" answered "poppy")', () => {
    const v = decideVerdict([{ label: 'sunflower', score: 0.55 }, { label: 'opium_poppy', score: 0.45 }], 0.45, { ...manifest, thresholds: { closeup: 0.1, closeupUncertainLow: 0.05, droneTile: 0.5 } });
    expect(v.verdict).toBe('uncertain');
    expect(v.reasons).toEqual(['score_above_poppy_threshold', 'best_match_not_poppy']);
    // even a poppy majority spread over several poppy labels: the officer sees "sunflower" first, an expert decides
    const w = decideVerdict([{ label: 'sunflower', score: 0.4 }, { label: 'opium_poppy', score: 0.35 }, { label: 'poppy_plot_aerial', score: 0.25 }], 0.6, manifest);
    expect(w.verdict).toBe('uncertain');
    expect(w.top[0].poppy).toBe(false);
    const x = decideVerdict([{ label: 'opium_poppy', score: 0.6 }, { label: 'sunflower', score: 0.4 }], 0.6, manifest);
    expect(x.verdict).toBe('poppy');
  });

  it('keeps the low end of the uncertain band for photos whose closest labels include a poppy-family plant', () => {
    const rose = { id: 'rose', en: 'Rose', zh: '玫瑰', group: 'other' as const, kind: 'closeup' as const };
    const t = { ...manifest, labels: [...manifest.labels, rose], thresholds: { closeup: 0.1, closeupUncertainLow: 0.005, droneTile: 0.5 } };
    const shown = decideVerdict([{ label: 'sunflower', score: 0.9 }, { label: 'corn_poppy', score: 0.01 }], 0.01, t);
    expect(shown.verdict).toBe('uncertain');
    const none = decideVerdict([{ label: 'sunflower', score: 0.9 }, { label: 'daisy', score: 0.06 }, { label: 'rose', score: 0.03 }, { label: 'opium_poppy', score: 0.01 }], 0.01, t);
    expect(none.top.map((l) => l.label)).not.toContain('opium_poppy');
    expect(none.verdict).toBe('not_poppy');
    expect(none.reasons).toEqual(['score_in_uncertain_band', 'no_poppy_among_closest']);
    // higher in the band it stays uncertain whatever is shown
    const high = decideVerdict([{ label: 'sunflower', score: 0.9 }, { label: 'daisy', score: 0.05 }, { label: 'rose', score: 0.045 }, { label: 'opium_poppy', score: 0.04 }], 0.04, t);
    expect(high.top.map((l) => l.label)).not.toContain('opium_poppy');
    expect(high.verdict).toBe('uncertain');
  });

  it('never answers a plain "not poppy" when a poppy-family look-alike ranks first', () => {
    const v = decideVerdict([{ label: 'corn_poppy', score: 0.85 }, { label: 'opium_poppy', score: 0.1 }], 0.1, manifest);
    expect(v.verdict).toBe('uncertain');
    expect(v.reasons).toContain('poppy_family_lookalike_on_top');
    expect(v.advice).toContain('sent_for_expert_review');
  });

  it('lists close-up species only as look-alikes, at most three', () => {
    const v = decideVerdict(
      [
        { label: 'poppy_plot_aerial', score: 0.4 },
        { label: 'sunflower', score: 0.3 },
        { label: 'daisy', score: 0.2 },
        { label: 'corn_poppy', score: 0.06 },
        { label: 'opium_poppy', score: 0.04 },
      ],
      0.44,
      manifest,
    );
    expect(v.top.map((t) => t.label)).toEqual(['sunflower', 'daisy', 'corn_poppy']);
    expect(v.poppyScore).toBe(0.44);
  });
});

describe('sniffPhotoType', () => {
  it('judges by content, not name', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } });
    expect(sniffPhotoType(await img.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffPhotoType(await img.clone().png().toBuffer())).toBe('png');
    expect(sniffPhotoType(await img.clone().webp().toBuffer())).toBe('webp');
    expect(sniffPhotoType(Buffer.from('GIF89a....'))).toBe('unknown');
    expect(sniffPhotoType(Buffer.alloc(0))).toBe('unknown');
  });

  it('recognises HEIC and AVIF by their ftyp brands', () => {
    expect(sniffPhotoType(ftypBox('heic', 'mif1', 'heic'))).toBe('heic');
    expect(sniffPhotoType(ftypBox('mif1', 'heic'))).toBe('heic');
    expect(sniffPhotoType(ftypBox('avif', 'mif1'))).toBe('avif');
    expect(sniffPhotoType(ftypBox('isom', 'mp41'))).toBe('unknown');
  });
});

describe('location', () => {
  it('rejects impossible and null-island positions', () => {
    expect(isUsablePosition(51.5, -1.2)).toBe(true);
    expect(isUsablePosition(0, 0)).toBe(false);
    expect(isUsablePosition(91, 0)).toBe(false);
    expect(isUsablePosition(Number.NaN, 3)).toBe(false);
  });

  it('prefers the photo GPS over what the phone sent, exactly as written', async () => {
    const photo = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0a0' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'TestCam' } })
      .toBuffer();
    const noGps = await readPhotoExif(photo);
    expect(noGps.gps).toBeNull();
    expect(noGps.make).toBe('TestCam');
    const sent = { lat: 10, lon: 20, accuracyM: 5, source: 'device' as const };
    expect(chooseLocation(noGps, sent)).toEqual({ lat: 10, lon: 20, accuracyM: 5, source: 'device' });
    const withGps = { ...noGps, gps: { lat: 51.96220972222223, lon: -1.0218056666666666, accuracyM: null } };
    expect(chooseLocation(withGps, sent)).toEqual({ lat: 51.96220972222223, lon: -1.0218056666666666, accuracyM: null, source: 'exif' });
    expect(chooseLocation(noGps, null)).toBeNull();
    expect((await readPhotoExif(Buffer.from('not an image at all'))).gps).toBeNull();
  });
});
