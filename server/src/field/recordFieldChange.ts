import type { Role } from '../domain/roles.js';
import { nowIso } from '../store/db.js';
import type { FieldEvent, FieldTask } from '../store/field.js';
import type { Store } from '../store/index.js';
import { checkFieldChange, type FieldChange, type RuleViolation } from './rules.js';

/** An evidence photo already checked and stored under originals/<sha256>. */
export interface StoredPhoto {
  sha256: string;
  sizeBytes: number;
  mime: string;
  width: number;
  height: number;
  orientation: number | null;
  name: string;
  /** the photo's own EXIF GPS and capture time, when it has them */
  gps?: { lat: number; lon: number } | null;
  takenAt?: string | null;
}

export interface FieldChangeInput extends Omit<FieldChange, 'photoCount'> {
  baseVersion?: number;
  idempotencyKey?: string | null;
  photos: StoredPhoto[];
}

export type FieldOutcome =
  | { kind: 'ok' | 'replayed'; task: FieldTask; event: FieldEvent }
  | { kind: 'conflict'; task: FieldTask | null }
  | { kind: 'not_found' }
  | { kind: 'refused'; violation: RuleViolation };

/**
 * Moves a site's field work on, in ONE immediate transaction: rules, version check, evidence photos (as images
 * rows), the new state, its event and the audit record. A repeated idempotency key answers the earlier event.
 */
export async function recordFieldChange(
  store: Store,
  siteId: number,
  input: FieldChangeInput,
  actor: { id: number; username: string; role: Role },
  ip: string | null,
): Promise<FieldOutcome> {
  return store.tx(
    async (): Promise<FieldOutcome> => {
      // BEGIN IMMEDIATE serialises writers on SQLite; on PostgreSQL the site's row lock keeps two changes of one site
      // from both reading the same version and both writing version + 1.
      if (store.dialect === 'postgres') await store.sql.get('SELECT id FROM sites WHERE id = ? FOR UPDATE', [siteId]);
      const site = await store.sites.get(siteId);
      if (!site) return { kind: 'not_found' };
      const userId = String(actor.id);
      if (input.idempotencyKey) {
        const earlier = await store.field.findByIdempotencyKey(userId, input.idempotencyKey);
        if (earlier) {
          if (earlier.siteId === siteId && earlier.after === input.state) {
            return { kind: 'replayed', task: (await store.field.get(siteId))!, event: earlier };
          }
          return {
            kind: 'refused',
            violation: { status: 409, code: 'idempotency_key_reused', message: 'This idempotency key was already used for another field record.' },
          };
        }
      }
      const task = await store.field.get(siteId);
      if (input.baseVersion !== undefined && input.baseVersion !== (task?.version ?? 0)) return { kind: 'conflict', task };

      const assigneeUser = input.state === 'assigned' && input.assignee ? await store.users.findByName(input.assignee) : undefined;
      const assigneeRole = assigneeUser && !assigneeUser.disabled ? assigneeUser.role : undefined;
      const violation = checkFieldChange(site, task, { ...input, photoCount: input.photos.length }, actor, assigneeRole);
      if (violation) return { kind: 'refused', violation };

      const at = nowIso();
      const imageIds: number[] = [];
      for (const p of input.photos) imageIds.push(await storePhotoRow(store, p, actor.username, siteId, at));
      const assigning = input.state === 'assigned';
      const next = {
        state: input.state,
        assignee: assigning ? assigneeUser!.username : (task?.assignee ?? null),
        dueDate: assigning ? (input.dueDate ?? null) : (task?.dueDate ?? null),
        plantsCounted: assigning ? null : (input.plantsCounted ?? task?.plantsCounted ?? null),
        species: assigning ? null : (input.species ?? task?.species ?? null),
        note: input.note ?? (assigning ? null : (task?.note ?? null)),
        assignedAt: assigning ? at : (task?.assignedAt ?? null),
        assignedBy: assigning ? actor.username : (task?.assignedBy ?? null),
      };
      const written = await store.field.record(
        {
          siteId,
          before: task?.state ?? null,
          after: input.state,
          assignee: next.assignee,
          dueDate: next.dueDate,
          plantsCounted: input.plantsCounted ?? null,
          species: input.species ?? null,
          note: input.note ?? null,
          userId,
          username: actor.username,
          idempotencyKey: input.idempotencyKey ?? null,
          at,
          imageIds,
        },
        next,
      );
      await store.audit.append({
        action: 'field',
        user: { id: actor.id, username: actor.username },
        siteId,
        flightId: site.flightId,
        before: task ? { state: task.state, assignee: task.assignee, version: task.version } : { state: null, version: 0 },
        after: {
          state: written.task.state,
          assignee: written.task.assignee,
          dueDate: written.task.dueDate,
          plantsCounted: written.task.plantsCounted,
          species: written.task.species,
          note: written.event.note,
          version: written.task.version,
        },
        details: { eventId: written.event.id, photoImageIds: imageIds, idempotencyKey: input.idempotencyKey ?? null },
        ip,
      });
      return { kind: 'ok', ...written };
    },
  );
}

async function storePhotoRow(store: Store, p: StoredPhoto, username: string, siteId: number, at: string): Promise<number> {
  const { image } = await store.images.insertOrGet({ flightId: null, name: p.name, sha256: p.sha256, sizeBytes: p.sizeBytes, mime: p.mime, uploadedBy: username });
  await store.images.saveFacts(image.id, {
    width: p.width,
    height: p.height,
    orientation: p.orientation,
    takenAt: p.takenAt ?? at,
    lat: p.gps?.lat ?? null,
    lon: p.gps?.lon ?? null,
    located: p.gps != null,
    unlocatedReason: p.gps ? null : 'field evidence photo without GPS',
    footprint: null,
    metadata: { source: 'field', siteId },
    camera: null,
    timings: {},
    modelVersion: 'none (field evidence photo)',
  });
  return image.id;
}
