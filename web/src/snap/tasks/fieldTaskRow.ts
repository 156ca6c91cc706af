/** One row of GET /api/field/tasks as the phone keeps it (server/src/field/views.ts). */
export interface FieldTaskRow {
  siteId: number;
  state: 'assigned' | 'visited' | 'eradicated' | 'not_found' | 'not_poppy';
  assignee: string | null;
  dueDate: string | null;
  plantsCounted: number | null;
  note: string | null;
  version: number;
  lat: number;
  lon: number;
  errorRadiusM: number;
  score: number;
  flight: { id: number; name: string } | null;
  areaM2: number | null;
  estimatedHeads: number | null;
  cropUrl: string;
}
