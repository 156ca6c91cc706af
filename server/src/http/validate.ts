import { z } from 'zod';
import { HttpError, notFound, zodMessage } from './errors.js';
import { POSITIVE_ID } from './text.js';

/** Parses with a zod schema; a failure is a 400 naming the bad fields. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what = 'request'): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_request', `Invalid ${what}: ${zodMessage(r.error)}.`);
  return r.data;
}

/** A positive integer id from a path parameter, written plainly in decimal ("0x1", "1e0", "1.0" are refused). */
export const idParam = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(POSITIVE_ID))
  .transform(Number)
  .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));

export function parseId(value: unknown, what: string): number {
  const r = idParam.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_id', `${what} id must be a positive integer, got "${String(value)}".`);
  return r.data;
}

/** The thing a path id names: 400 `invalid_id` for a badly written id, 404 `not_found` naming it when there is none. */
export async function findOr404<T>(value: unknown, what: string, find: (id: number) => Promise<T | null | undefined>): Promise<T> {
  const id = parseId(value, what);
  const found = await find(id);
  if (found == null) throw notFound(`${what} ${id}`);
  return found;
}
