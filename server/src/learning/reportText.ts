import type { Figures } from './headScore.js';
import type { VersionReport } from './retrain.js';

const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(3));
const line = (name: string, f: Figures) => `  ${name.padEnd(22)} recall ${fmt(f.recall)} (${f.found}/${f.positives})  false sites ${f.falseSites}/${f.negatives}  precision ${fmt(f.precision)}`;

/** A version's report as text (npm run retrain, npm run eval:learning). */
export function formatReport(version: string, r: VersionReport): string {
  const out = [`${version} against ${r.currentVersion} (a site is kept when its best cell reaches ${r.thresholds.minScore}):`];
  out.push(`gate set (${r.gate.sites} sites, flights ${r.gate.flights.join(', ') || '–'}):`);
  if ('candidate' in r.gate) out.push(line(version, r.gate.candidate), line(r.currentVersion, r.gate.current));
  else out.push(`  ${r.gate.reason}`);
  out.push('synthetic evaluation (held-out frames):');
  if ('candidate' in r.synthetic) out.push(line(version, r.synthetic.candidate), line(r.currentVersion, r.synthetic.current));
  else out.push(`  ${r.synthetic.reason}`);
  out.push(r.losesRecall ? 'LOSES RECALL against the active version: do not promote without a reason.' : 'keeps recall on both.');
  return out.join('\n');
}

