import type { Request, Response } from 'express';
import type { z } from 'zod';

/** Parses req.body with `schema`; on failure answers 400 naming each bad field and returns undefined. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | undefined {
  const r = schema.safeParse(req.body ?? {});
  if (r.success) return r.data;
  const message = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  res.status(400).json({ error: 'invalid_request', message });
  return undefined;
}
