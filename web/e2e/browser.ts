// Shared by the browser tests and the browser benchmark: Debian chromium through playwright-core, and an in-page
// probe that measures key press → next site rendered with performance.now().
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.POPPY_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Installed before the app's scripts: a capture-phase keydown listener notes the time of the key, a MutationObserver
 * notes when the site panel shows another site, and the next animation frame closes the measurement.
 */
// A string, not a function: tsx/vite may wrap named inner functions in helpers that do not exist in the page.
const LATENCY_PROBE = `
(() => {
  let armed = null;
  window.addEventListener('keydown', () => { if (armed && armed.t0 === null) armed.t0 = performance.now(); }, { capture: true });
  window.__armKeyProbe = (before) => {
    const probe = { before, t0: null };
    armed = probe;
    probe.result = new Promise((resolve, reject) => {
      const started = performance.now();
      const check = () => {
        const panel = document.querySelector('[data-testid="site-panel"]');
        const id = panel && panel.getAttribute('data-site-id');
        if (probe.t0 !== null && id && id !== before) {
          const t0 = probe.t0;
          requestAnimationFrame(() => resolve(performance.now() - t0));
          return;
        }
        if (performance.now() - started > 10000) reject(new Error('site panel still shows ' + before + ' 10 s after arming (key seen: ' + (probe.t0 !== null) + ')'));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  };
  window.__keyProbeResult = () => armed.result;
})();
`;

/**
 * Installed before the app's scripts. Arm it, press the key, then read the result: a capture-phase keydown listener
 * notes the time of the key; the probe polls every animation frame until the site panel shows another site and
 * closes on the next frame (the new site has been painted).
 */
export async function installLatencyProbe(page: Page): Promise<void> {
  await page.addInitScript({ content: LATENCY_PROBE });
}

export async function currentSiteId(page: Page): Promise<string> {
  return (await page.getAttribute('[data-testid="site-panel"]', 'data-site-id')) ?? '';
}

/** Presses a review key and returns the milliseconds until the next site was rendered (measured in the page). */
export async function pressAndMeasure(page: Page, key: string): Promise<number> {
  const before = await currentSiteId(page);
  await page.evaluate((b) => (window as unknown as { __armKeyProbe: (b: string) => void }).__armKeyProbe(b), before);
  await page.keyboard.press(key);
  return page.evaluate(() => (window as unknown as { __keyProbeResult: () => Promise<number> }).__keyProbeResult());
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
