// Signing out of the snap page must stick even without a network: the sign-out is written to the phone first and
// completed (POST /api/auth/logout) as soon as the server can be reached. Until then the page behaves as signed out,
// so the old session cannot come back when the phone is online again.
import { api, ApiError, setCsrfToken } from '../api/client.js';

const SIGN_OUT_KEY = 'poppywatch.snap.signOutPending';

export function signOutPending(): boolean {
  try {
    return localStorage.getItem(SIGN_OUT_KEY) !== null;
  } catch {
    return false;
  }
}

export function markSignOutPending(): void {
  try {
    localStorage.setItem(SIGN_OUT_KEY, new Date().toISOString());
  } catch {
    /* no storage: the sign-out is tried once, online only */
  }
}

function clearSignOutPending(): void {
  try {
    localStorage.removeItem(SIGN_OUT_KEY);
  } catch {
    /* nothing stored */
  }
}

/**
 * Ends the server session of a sign-out made earlier (perhaps offline). 'done' when the server no longer has it
 * (logged out now, or already expired); 'pending' when the server cannot be reached yet.
 */
export async function completePendingSignOut(): Promise<'done' | 'pending'> {
  if (!signOutPending()) return 'done';
  try {
    // a page opened offline has no CSRF token for the logout: the session's own comes from /me
    const me = await api<{ csrfToken: string }>('/api/auth/me');
    setCsrfToken(me.csrfToken);
    await api('/api/auth/logout', { method: 'POST' });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) return 'pending';
  }
  setCsrfToken(null);
  clearSignOutPending();
  return 'done';
}

/** Signs out now if the network allows, else as soon as it does; the page is signed out either way. */
export async function signOutSnapPage(): Promise<'done' | 'pending'> {
  markSignOutPending();
  return completePendingSignOut();
}

/** A new sign-in replaced the old session's cookie on this phone: nothing left to complete. */
export function forgetPendingSignOut(): void {
  clearSignOutPending();
}
