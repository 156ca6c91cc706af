import type { StoreContext } from './context.js';

export const FIELD_STATES = ['assigned', 'visited', 'eradicated', 'not_found', 'not_poppy'] as const;
export type FieldState = (typeof FIELD_STATES)[number];

/** A site's current field work (table field_tasks). */
export interface FieldTask {
  siteId: number;
  state: FieldState;
  assignee: string | null;
  dueDate: string | null;
  plantsCounted: number | null;
  species: string | null;
  note: string | null;
  version: number;
  assignedAt: string | null;
  assignedBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

export interface FieldPhoto {
  id: number;
  eventId: number;
  siteId: number;
  imageId: number;
}

/** One change of a site's field state (table field_events, append-only). */
export interface FieldEvent {
  id: number;
  siteId: number;
  version: number;
  before: FieldState | null;
  after: FieldState;
  assignee: string | null;
  dueDate: string | null;
  plantsCounted: number | null;
  species: string | null;
  note: string | null;
  userId: string | null;
  username: string | null;
  idempotencyKey: string | null;
  at: string;
  photos: FieldPhoto[];
}

/** A field-checked outcome for the retraining job (view field_labels). */
export interface FieldLabel {
  siteId: number;
  flightId: number | null;
  source: 'drone' | 'phone';
  lat: number;
  lon: number;
  bestDetectionId: number | null;
  modelVersion: string | null;
  modelTopLabel: string | null;
  modelScore: number;
  outcome: 'eradicated' | 'not_found' | 'not_poppy';
  /** 'poppy', 'not_poppy', or null when nothing was found to label */
  label: 'poppy' | 'not_poppy' | null;
  species: string | null;
  plantsCounted: number | null;
  decidedAt: string;
  decidedBy: string | null;
}

export interface SeasonSiteRow {
  siteId: number;
  flightId: number | null;
  foundAt: string;
  status: 'pending' | 'confirmed' | 'rejected';
  reviewedAt: string | null;
  fieldState: FieldState | null;
  fieldAt: string | null;
  plantsCounted: number | null;
}

export interface SeasonFrameRow {
  flightId: number;
  at: string;
  footprint: { type: 'Polygon'; coordinates: number[][][] };
}

interface TaskRow {
  site_id: number;
  state: FieldState;
  assignee: string | null;
  due_date: string | null;
  plants_counted: number | null;
  species: string | null;
  note: string | null;
  version: number;
  assigned_at: string | null;
  assigned_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

interface EventRow {
  id: number;
  site_id: number;
  version: number;
  before_state: FieldState | null;
  after_state: FieldState;
  assignee: string | null;
  due_date: string | null;
  plants_counted: number | null;
  species: string | null;
  note: string | null;
  user_id: string | null;
  username: string | null;
  idempotency_key: string | null;
  at: string;
}

interface PhotoRow {
  id: number;
  event_id: number;
  site_id: number;
  image_id: number;
}

const toTask = (r: TaskRow): FieldTask => ({
  siteId: r.site_id,
  state: r.state,
  assignee: r.assignee,
  dueDate: r.due_date,
  plantsCounted: r.plants_counted,
  species: r.species,
  note: r.note,
  version: r.version,
  assignedAt: r.assigned_at,
  assignedBy: r.assigned_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const toPhoto = (r: PhotoRow): FieldPhoto => ({ id: r.id, eventId: r.event_id, siteId: r.site_id, imageId: r.image_id });

export interface NewFieldEvent extends Omit<FieldEvent, 'id' | 'version' | 'photos'> {
  imageIds: number[];
}

const TASK_BY_SITE = 'SELECT * FROM field_tasks WHERE site_id = ?';
const UPSERT_TASK = `INSERT INTO field_tasks (site_id, state, assignee, due_date, plants_counted, species, note, version,
    assigned_at, assigned_by, updated_at, updated_by)
  VALUES (@siteId, @state, @assignee, @dueDate, @plantsCounted, @species, @note, @version, @assignedAt, @assignedBy, @updatedAt, @updatedBy)
  ON CONFLICT (site_id) DO UPDATE SET state = excluded.state, assignee = excluded.assignee, due_date = excluded.due_date,
    plants_counted = excluded.plants_counted, species = excluded.species, note = excluded.note, version = excluded.version,
    assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by, updated_at = excluded.updated_at,
    updated_by = excluded.updated_by
  RETURNING *`;
const INSERT_EVENT = `INSERT INTO field_events (site_id, version, before_state, after_state, assignee, due_date,
    plants_counted, species, note, user_id, username, idempotency_key, at)
  VALUES (@siteId, @version, @before, @after, @assignee, @dueDate, @plantsCounted, @species, @note, @userId, @username,
    @idempotencyKey, @at)
  RETURNING *`;
const INSERT_PHOTO = 'INSERT INTO field_photos (event_id, site_id, image_id) VALUES (?, ?, ?) RETURNING *';
const EVENTS_BY_SITE = 'SELECT * FROM field_events WHERE site_id = ? ORDER BY id';
const EVENT_BY_KEY = 'SELECT * FROM field_events WHERE user_id = ? AND idempotency_key = ?';
const PHOTOS_BY_EVENT = 'SELECT * FROM field_photos WHERE event_id = ? ORDER BY id';
const PHOTOS_BY_SITE = 'SELECT * FROM field_photos WHERE site_id = ? ORDER BY id';
const LABELS = 'SELECT * FROM field_labels ORDER BY decided_at, site_id';
// Aliases are quoted: PostgreSQL folds unquoted identifiers to lower case.
const SEASON_SITES = `SELECT s.id AS "siteId", s.flight_id AS "flightId", s.first_seen_at AS "foundAt", s.status AS status,
    s.reviewed_at AS "reviewedAt", t.state AS "fieldState", t.updated_at AS "fieldAt", t.plants_counted AS "plantsCounted"
  FROM sites s LEFT JOIN field_tasks t ON t.site_id = s.id WHERE (CAST(@flightId AS BIGINT) IS NULL OR s.flight_id = @flightId)`;
const SEASON_FRAMES = `SELECT flight_id AS "flightId", COALESCE(taken_at, uploaded_at) AS at, footprint
  FROM images WHERE flight_id IS NOT NULL AND footprint IS NOT NULL AND (CAST(@flightId AS BIGINT) IS NULL OR flight_id = @flightId)`;

const toEvent = (r: EventRow, photos: FieldPhoto[]): FieldEvent => ({
  id: r.id,
  siteId: r.site_id,
  version: r.version,
  before: r.before_state,
  after: r.after_state,
  assignee: r.assignee,
  dueDate: r.due_date,
  plantsCounted: r.plants_counted,
  species: r.species,
  note: r.note,
  userId: r.user_id,
  username: r.username,
  idempotencyKey: r.idempotency_key,
  at: r.at,
  photos,
});

/** SQL of field work. The rules (who may move a site where) live in field/recordFieldChange.ts. */
export function createFieldRepo({ sql }: StoreContext) {
  const withPhotos = async (r: EventRow): Promise<FieldEvent> =>
    toEvent(r, (await sql.all<PhotoRow>(PHOTOS_BY_EVENT, [r.id])).map(toPhoto));

  return {
    async get(siteId: number): Promise<FieldTask | null> {
      const r = await sql.get<TaskRow>(TASK_BY_SITE, [siteId]);
      return r ? toTask(r) : null;
    },
    /** Writes the new current state and its event (with photos); call inside a transaction. */
    async record(
      e: NewFieldEvent,
      task: Omit<FieldTask, 'siteId' | 'version' | 'updatedAt' | 'updatedBy'>,
    ): Promise<{ task: FieldTask; event: FieldEvent }> {
      const previous = await sql.get<TaskRow>(TASK_BY_SITE, [e.siteId]);
      const version = (previous?.version ?? 0) + 1;
      const taskRow = (await sql.get<TaskRow>(UPSERT_TASK, { siteId: e.siteId, ...task, version, updatedAt: e.at, updatedBy: e.username }))!;
      const eventRow = (await sql.get<EventRow>(INSERT_EVENT, { ...e, version }))!;
      const photos: FieldPhoto[] = [];
      for (const imageId of e.imageIds) photos.push(toPhoto((await sql.get<PhotoRow>(INSERT_PHOTO, [eventRow.id, e.siteId, imageId]))!));
      return { task: toTask(taskRow), event: toEvent(eventRow, photos) };
    },
    async events(siteId: number): Promise<FieldEvent[]> {
      const rows = await sql.all<EventRow>(EVENTS_BY_SITE, [siteId]);
      // one query for the site's photos instead of one per event
      const photos = (await sql.all<PhotoRow>(PHOTOS_BY_SITE, [siteId])).map(toPhoto);
      return rows.map((r) => toEvent(r, photos.filter((p) => p.eventId === r.id)));
    },
    async findByIdempotencyKey(userId: string, key: string): Promise<FieldEvent | null> {
      const r = await sql.get<EventRow>(EVENT_BY_KEY, [userId, key]);
      return r ? withPhotos(r) : null;
    },
    /** Field-checked outcomes, oldest first: the labels the retraining job reads. */
    async labels(): Promise<FieldLabel[]> {
      return (await sql.all(LABELS)).map((r) => ({
        siteId: r.site_id as number,
        flightId: r.flight_id as number | null,
        source: r.source as FieldLabel['source'],
        lat: r.lat as number,
        lon: r.lon as number,
        bestDetectionId: r.best_detection_id as number | null,
        modelVersion: r.model_version as string | null,
        modelTopLabel: r.model_top_label as string | null,
        modelScore: r.model_score as number,
        outcome: r.outcome as FieldLabel['outcome'],
        label: r.label as FieldLabel['label'],
        species: r.species as string | null,
        plantsCounted: r.plants_counted as number | null,
        decidedAt: r.decided_at as string,
        decidedBy: r.decided_by as string | null,
      }));
    },
    /** Raw material of the season figures: every site with its field outcome, every located frame's footprint. */
    async seasonRows(flightId?: number): Promise<{ sites: SeasonSiteRow[]; frames: SeasonFrameRow[] }> {
      const p = { flightId: flightId ?? null };
      const frames = (await sql.all<{ flightId: number; at: string; footprint: string }>(SEASON_FRAMES, p)).map((f) => ({
        flightId: f.flightId,
        at: f.at,
        footprint: JSON.parse(f.footprint) as { type: 'Polygon'; coordinates: number[][][] },
      }));
      return { sites: await sql.all<SeasonSiteRow>(SEASON_SITES, p), frames };
    },
    /**
     * Sites with field work, joined with their position, for task lists and sheets. `assignee` limits to one
     * person's tasks (case-insensitive); `states` to those states.
     */
    async listTasks(q: { assignee?: string; states?: FieldState[]; flightId?: number; siteIds?: number[] } = {}): Promise<FieldTask[]> {
      if (q.siteIds && !q.siteIds.length) return [];
      const where: string[] = [];
      const args: Record<string, unknown> = {};
      if (q.assignee !== undefined) (where.push('lower(assignee) = lower(@assignee)'), (args.assignee = q.assignee));
      if (q.states?.length) {
        where.push(`state IN (${q.states.map((_, i) => `@state${i}`).join(', ')})`);
        q.states.forEach((st, i) => (args[`state${i}`] = st));
      }
      if (q.flightId !== undefined) (where.push('site_id IN (SELECT id FROM sites WHERE flight_id = @flightId)'), (args.flightId = q.flightId));
      if (q.siteIds) {
        where.push(`site_id IN (${q.siteIds.map((_, i) => `@site${i}`).join(', ')})`);
        q.siteIds.forEach((id, i) => (args[`site${i}`] = id));
      }
      const query = `SELECT * FROM field_tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY due_date ASC NULLS LAST, site_id`;
      return (await sql.all<TaskRow>(query, args)).map(toTask);
    },
  };
}

export type FieldRepo = ReturnType<typeof createFieldRepo>;
