import { sha256 } from '../util/sha256.js';

/** Share of the reviewed sites held back, whole flights at a time, to judge a new version on (never trained on). */
export const GATE_FRACTION = 0.2;

/**
 * Chooses the gate flights: in a fixed pseudo-random order of flight ids (the same store gives the same split), whole
 * flights join the gate until it holds ~20 % of the sites; at least one flight always stays for training, so a
 * store with one reviewed flight has no gate set.
 */
export function gateFlights(sitesPerFlight: Map<number, number>, fraction = GATE_FRACTION): Set<number> {
  const total = [...sitesPerFlight.values()].reduce((a, b) => a + b, 0);
  const order = [...sitesPerFlight.keys()].sort((a, b) => hash(a).localeCompare(hash(b)) || a - b);
  const gate = new Set<number>();
  let held = 0;
  for (const f of order) {
    if (gate.size === order.length - 1) break;
    const n = sitesPerFlight.get(f)!;
    // a flight that would overshoot the target by more than it helps is skipped for a smaller one
    if (held > 0 && Math.abs(held + n - fraction * total) > Math.abs(held - fraction * total)) continue;
    gate.add(f);
    held += n;
    if (held >= fraction * total) break;
  }
  return gate;
}

const hash = (id: number) => sha256(`gate-${id}`);
