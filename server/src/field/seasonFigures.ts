import { csvSafe } from '../util/csvSafe.js';
import type { Store } from '../store/index.js';
import { unionAreaM2 } from './areaFlown.js';
import type { FlightFigures, SeasonCounts, SeasonFigures, SeasonFilters, WeekFigures } from '../domain/contract.js';

export type { FlightFigures, SeasonFigures, SeasonFilters, WeekFigures } from '../domain/contract.js';
export type Figures = SeasonCounts;

const zero = (): Figures => ({ sitesFound: 0, sitesConfirmed: 0, sitesEradicated: 0, plantsEradicated: 0, areaFlownM2: 0 });

/** Monday (UTC) of the week holding an ISO time, and the ISO week label. */
export function isoWeek(at: string): { week: string; weekStart: string } {
  const d = new Date(at);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return { week: `${year}-W${String(week).padStart(2, '0')}`, weekStart: monday.toISOString().slice(0, 10) };
}

/**
 * The season's figures, each counted on its own date: a site is "found" when first seen, "confirmed" when its
 * (current) confirmation was made, "eradicated" when the field outcome was recorded; area flown is the union of
 * frame footprints, by frame capture time (per flight, and per flight and week).
 */
export async function seasonFigures(store: Store, f: SeasonFilters): Promise<SeasonFigures> {
  const fromMs = f.from ? Date.parse(f.from) : -Infinity;
  const toMs = f.to ? Date.parse(f.to) : Infinity;
  const inRange = (at: string | null): at is string => at != null && Date.parse(at) >= fromMs && Date.parse(at) <= toMs;
  const { sites, frames } = await store.field.seasonRows(f.flightId);

  const totals = zero();
  const weeks = new Map<string, WeekFigures>();
  const flights = new Map<number | null, FlightFigures>();
  const weekOf = (at: string) => {
    const w = isoWeek(at);
    if (!weeks.has(w.week)) weeks.set(w.week, { ...w, ...zero() });
    return weeks.get(w.week)!;
  };
  const flightNames = new Map<number, string | null>();
  for (const id of new Set([...sites.map((s) => s.flightId), ...frames.map((fr) => fr.flightId)])) {
    if (id != null) flightNames.set(id, (await store.flights.get(id))?.name ?? null);
  }
  const flightOf = (id: number | null) => {
    if (!flights.has(id)) flights.set(id, { flightId: id, flightName: id == null ? null : (flightNames.get(id) ?? null), ...zero() });
    return flights.get(id)!;
  };
  const add = (at: string, flightId: number | null, key: keyof Figures, n = 1) => {
    totals[key] += n;
    weekOf(at)[key] += n;
    flightOf(flightId)[key] += n;
  };

  for (const s of sites) {
    if (inRange(s.foundAt)) add(s.foundAt, s.flightId, 'sitesFound');
    if (s.status === 'confirmed' && inRange(s.reviewedAt)) add(s.reviewedAt, s.flightId, 'sitesConfirmed');
    if (s.fieldState === 'eradicated' && inRange(s.fieldAt)) {
      add(s.fieldAt, s.flightId, 'sitesEradicated');
      add(s.fieldAt, s.flightId, 'plantsEradicated', s.plantsCounted ?? 0);
    }
  }

  // Area: union per flight (for the flight rows and the total), union per flight and week (for the week rows).
  const byFlight = new Map<number, number[][][]>();
  const byFlightWeek = new Map<string, { at: string; rings: number[][][] }>();
  for (const fr of frames) {
    if (!inRange(fr.at) || !fr.footprint?.coordinates?.[0]) continue;
    const ring = fr.footprint.coordinates[0];
    if (!byFlight.has(fr.flightId)) byFlight.set(fr.flightId, []);
    byFlight.get(fr.flightId)!.push(ring);
    const key = `${fr.flightId} ${isoWeek(fr.at).week}`;
    if (!byFlightWeek.has(key)) byFlightWeek.set(key, { at: fr.at, rings: [] });
    byFlightWeek.get(key)!.rings.push(ring);
  }
  for (const [flightId, rings] of byFlight) {
    const area = Math.round(unionAreaM2(rings));
    totals.areaFlownM2 += area;
    flightOf(flightId).areaFlownM2 += area;
  }
  for (const { at, rings } of byFlightWeek.values()) weekOf(at).areaFlownM2 += Math.round(unionAreaM2(rings));

  return {
    filters: f,
    totals,
    byWeek: withEmptyWeeks([...weeks.values()].sort((a, b) => a.weekStart.localeCompare(b.weekStart))),
    byFlight: [...flights.values()].sort((a, b) => (a.flightId ?? Infinity) - (b.flightId ?? Infinity)),
  };
}

/** Weeks without figures between the first and the last are shown as zeros (a gap is news too), up to two years. */
function withEmptyWeeks(weeks: WeekFigures[]): WeekFigures[] {
  if (weeks.length < 2) return weeks;
  const first = Date.parse(weeks[0].weekStart);
  const span = (Date.parse(weeks[weeks.length - 1].weekStart) - first) / (7 * 86_400_000);
  if (span > 104) return weeks;
  const have = new Map(weeks.map((w) => [w.weekStart, w]));
  return Array.from({ length: span + 1 }, (_, i) => {
    const start = new Date(first + i * 7 * 86_400_000).toISOString();
    return have.get(start.slice(0, 10)) ?? { ...isoWeek(start), ...zero() };
  });
}

/** The same figures as CSV rows: one per week, then one per flight, then the total. */
export function seasonCsvRows(s: SeasonFigures): (string | number)[][] {
  const cols = (x: Figures) => [x.sitesFound, x.sitesConfirmed, x.sitesEradicated, x.plantsEradicated, Math.round(x.areaFlownM2), (x.areaFlownM2 / 10_000).toFixed(2)];
  return [
    ['group', 'key', 'label', 'sites_found', 'sites_confirmed', 'sites_eradicated', 'plants_eradicated', 'area_flown_m2', 'area_flown_ha'],
    ...s.byWeek.map((w) => ['week', w.week, w.weekStart, ...cols(w)]),
    ...s.byFlight.map((fl) => ['flight', fl.flightId ?? 'phone', csvSafe(fl.flightName ?? 'phone snaps'), ...cols(fl)]),
    ['total', 'all', '', ...cols(s.totals)],
  ];
}
