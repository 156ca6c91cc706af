import { z } from 'zod';
import { HttpError, zodMessage } from './errors.js';

/** Parses with a zod schema; a failure is a 400 naming the bad fields. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what = 'request'): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_request', `Invalid ${what}: ${zodMessage(r.error)}.`);
  return r.data;
}

/** A positive integer id from a path parameter. */
export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function parseId(value: unknown, what: string): number {
  const r = idParam.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_id', `${what} id must be a positive integer, got "${String(value)}".`);
  return r.data;
}
