import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { dropUnreferenced, takeEvidencePhotos } from '../../field/evidencePhotos.js';
import { recordFieldChange } from '../../field/recordFieldChange.js';
import { fieldDetail, taskSummary } from '../../field/views.js';
import { FIELD_STATES, type FieldState } from '../../store/field.js';
import { HttpError, notFound } from '../errors.js';
import { hashingDiskStorage, type StreamedFile } from '../upload.js';
import { findOr404, parse, parseId } from '../validate.js';

export const MAX_FIELD_PHOTOS = 8;
export const PHOTO_FIELD = 'photos';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Multipart fields arrive as strings: empty means absent, numbers are parsed. */
const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
const intField = (what: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : blankToUndefined(v)),
    z.number({ error: `${what} must be a whole number` }).int(`${what} must be a whole number`).min(0, `${what} cannot be negative`).max(max, `${what} is over ${max}`).optional(),
  );
const text = (what: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${what} is longer than ${max} characters`).optional());

const FieldBody = z.object({
  state: z.enum(FIELD_STATES, { error: `state must be one of ${FIELD_STATES.join(', ')}` }),
  assignee: text('assignee', 100),
  dueDate: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'dueDate must be a date YYYY-MM-DD')
      .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'dueDate is not a real date')
      .optional(),
  ),
  plantsCounted: intField('plantsCounted', 10_000_000),
  species: text('species', 200),
  note: text('note', 2000),
  baseVersion: intField('baseVersion', Number.MAX_SAFE_INTEGER),
  idempotencyKey: z.preprocess(blankToUndefined, z.string().regex(IDEMPOTENCY_KEY, 'idempotencyKey must be 1–200 printable ASCII characters without spaces').optional()),
});

const TasksQuery = z.object({
  assignee: z.string().max(100).optional(),
  state: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(FIELD_STATES)))
    .optional(),
  flight: z.string().regex(/^\d{1,15}$/, 'flight must be a flight id').transform(Number).optional(),
});

/** Control characters out (newlines kept), trimmed; empty is absent. */
const clean = (s: string | undefined): string | undefined => {
  const v = (s ?? '').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '').trim();
  return v || undefined;
};

/**
 * Field work on confirmed sites. POST /api/sites/:id/field (JSON, or multipart with evidence `photos`) moves the
 * site through assigned → visited → eradicated | not_found | not_poppy; GET answers its state and history;
 * GET /api/field/tasks lists tasks (an officer sees their own); GET /api/field/labels the outcomes as training labels.
 */
export function fieldRouter({ store, config }: AppDeps): Router {
  const router = express.Router();
  const limitBytes = config.maxFileBytes;
  const upload = multer({
    storage: hashingDiskStorage(path.join(store.dataDir, 'tmp'), limitBytes),
    defParamCharset: 'utf8',
    limits: { files: MAX_FIELD_PHOTOS, fields: 20, fieldSize: 16 * 1024, parts: MAX_FIELD_PHOTOS + 20 },
  }).array(PHOTO_FIELD, MAX_FIELD_PHOTOS);
  const receivePhotos: RequestHandler = (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    upload(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError && (err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE')) {
        return next(new HttpError(400, 'unexpected_file', `Send at most ${MAX_FIELD_PHOTOS} photos, in the multipart field "${PHOTO_FIELD}".`));
      }
      next(err);
    });
  };

  router.post('/sites/:id/field', requireRole('reviewer', 'officer'), receivePhotos, async (req, res) => {
    const files = (req.files ?? []) as (Express.Multer.File & StreamedFile)[];
    try {
      const siteId = parseId(req.params.id, 'Site');
      const body = parse(FieldBody, req.body ?? {}, 'field record');
      const headerKey = req.get('idempotency-key')?.trim();
      if (headerKey !== undefined && !IDEMPOTENCY_KEY.test(headerKey)) {
        throw new HttpError(400, 'invalid_request', 'The Idempotency-Key header must be 1–200 printable ASCII characters without spaces.');
      }
      if (body.baseVersion === undefined) {
        // as for reviews: a change made without knowing what it replaces would silently overwrite someone else's
        throw new HttpError(428, 'base_version_required', 'Send the field version your change is based on: baseVersion (0 for a site without field work yet).');
      }
      const photos = await takeEvidencePhotos(files, store, limitBytes);
      const user = req.user!;
      const outcome = await recordFieldChange(
        store,
        siteId,
        {
          state: body.state as FieldState,
          assignee: clean(body.assignee),
          dueDate: body.dueDate,
          plantsCounted: body.plantsCounted,
          species: clean(body.species),
          note: clean(body.note),
          baseVersion: body.baseVersion,
          idempotencyKey: headerKey || body.idempotencyKey || null,
          photos,
        },
        user,
        req.ip ?? null,
      );
      if (outcome.kind !== 'ok') await dropUnreferenced(store, photos);
      if (outcome.kind === 'not_found') throw notFound(`Site ${siteId}`);
      if (outcome.kind === 'refused') throw new HttpError(outcome.violation.status, outcome.violation.code, outcome.violation.message);
      if (outcome.kind === 'conflict') {
        const t = outcome.task;
        throw new HttpError(
          409,
          'conflict',
          `The field record of site ${siteId} was changed by ${t?.updatedBy ?? 'someone else'} (now ${t?.state ?? 'not assigned'}, version ${t?.version ?? 0}); yours was not saved.`,
          { current: await fieldDetail(store, siteId) },
        );
      }
      if (outcome.kind === 'replayed') res.setHeader('Idempotent-Replayed', 'true');
      res.status(outcome.kind === 'ok' ? 201 : 200).json(await fieldDetail(store, siteId));
    } catch (err) {
      await Promise.all(files.filter((f) => f.path).map((f) => fs.promises.rm(f.path, { force: true })));
      throw err;
    }
  });

  router.get('/sites/:id/field', requireRole(), async (req, res) => {
    const site = await findOr404(req.params.id, 'Site', (id) => store.sites.get(id));
    res.json(await fieldDetail(store, site.id));
  });

  router.get('/field/tasks', requireRole('officer', 'reviewer'), async (req, res) => {
    const q = parse(TasksQuery, req.query ?? {}, 'task filter');
    const user = req.user!;
    // An officer's list is their own open tasks; reviewers and admins may look at anyone's.
    const assignee = user.role === 'officer' ? user.username : q.assignee;
    const states = q.state ?? (user.role === 'officer' ? (['assigned', 'visited'] as FieldState[]) : undefined);
    const names = new Map<number, string>();
    const tasks: NonNullable<Awaited<ReturnType<typeof taskSummary>>>[] = [];
    for (const t of await store.field.listTasks({ assignee, states, flightId: q.flight })) {
      const summary = await taskSummary(store, t, names);
      if (summary !== null) tasks.push(summary);
    }
    res.json({ tasks });
  });

  router.get('/field/assignees', requireRole('reviewer'), async (_req, res) => {
    const assignees = (await store.users.list())
      .filter((u) => !u.disabled && (u.role === 'officer' || u.role === 'admin'))
      .map((u) => ({ username: u.username, role: u.role }));
    res.json({ assignees });
  });

  router.get('/field/labels', requireRole('reviewer'), async (_req, res) => {
    res.json({ labels: await store.field.labels() });
  });

  return router;
}
