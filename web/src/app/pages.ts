import { hasRole, type SessionUser } from '../auth/useSession.js';

export type Page = 'review' | 'flights' | 'tasks' | 'season' | 'users' | 'models' | 'audit' | 'account' | 'help';

/** The pages a role sees, in menu order. */
export function pagesFor(user: SessionUser): Page[] {
  const pages: Page[] = ['review', 'flights'];
  if (hasRole(user, 'reviewer')) pages.push('tasks', 'season', 'audit');
  if (user.role === 'admin') pages.push('users', 'models');
  pages.push('account', 'help');
  return pages;
}

/** Where a user lands: operators on their flights, everyone else on the review queue. */
export function landingPage(user: SessionUser): Page {
  return user.role === 'operator' ? 'flights' : 'review';
}

/** `#/flights` → 'flights' when the user may see it; null for no or an unknown hash. */
export function pageFromHash(hash: string, allowed: Page[]): Page | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] as Page;
  return allowed.includes(name) ? name : null;
}
