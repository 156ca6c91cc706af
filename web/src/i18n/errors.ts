// API errors in the reader's language: the server's stable code when this dictionary knows it, else its sentence.
import { getLang, hasKey, t } from './index.js';

/**
 * In English the server's own sentence is the most specific one, so it is kept; in another language the code's
 * translation is shown (with the server's details where the translation has a {message} slot).
 */
export function errorText(code: string | null | undefined, message?: string | null): string {
  const key = `error.${code ?? ''}`;
  if (getLang() === 'en' && message) return message;
  if (code && hasKey(key)) return t(key, { message: message ?? '' });
  return message || code || t('error.internal');
}

/** For a caught error: ApiError (code + message), a network failure, or anything else. */
export function errorOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return errorText((err as { code: string }).code, (err as { message?: string }).message);
  }
  if (err instanceof TypeError) return t('common.serverUnreachable'); // fetch() failed: no network
  return err instanceof Error ? err.message : String(err);
}
