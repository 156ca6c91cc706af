// The snap outbox's items: a snap, or a field visit from "My tasks" that travels through the same outbox
// (queue.ts stores and sends them, tasks/visitSend.ts sends visits).
import type { SentPosition, SnapAnswer } from './types.js';

export type VisitState = 'visited' | 'eradicated' | 'not_found' | 'not_poppy';

export interface QueuedVisit {
  siteId: number;
  state: VisitState;
  plantsCounted: number | null;
  species: string;
  /** the task version the officer saw; the server answers 409 if someone changed the task meanwhile */
  baseVersion: number;
  photos: { blob: Blob; name: string }[];
}

/** POST /api/sites/:id/field answer (server/src/field/views.ts fieldDetail). */
export interface FieldDetail {
  siteId: number;
  task: { state: string; version: number; plantsCounted: number | null } | null;
}

/** The officer who took a snap: it is sent only under their session, never under whoever is signed in later. */
export interface SnapOwner {
  id: number | string;
  username: string;
}

export interface QueuedSnap {
  key: string;
  owner: SnapOwner;
  photo: Blob;
  fileName: string;
  note: string;
  position: SentPosition | null;
  createdAt: string;
  attempts: number;
  state: 'pending' | 'failed';
  /** for failed snaps: the server's reason */
  error?: { code: string; message: string };
  /** a field visit from "My tasks" (tasks/visitOutbox.ts), sent to /api/sites/:id/field instead of /api/snaps */
  visit?: QueuedVisit;
}

export type SendResult =
  | { kind: 'sent'; answer: SnapAnswer }
  | { kind: 'retry'; reason: string }
  | { kind: 'auth' }
  | { kind: 'rejected'; code: string; message: string };

