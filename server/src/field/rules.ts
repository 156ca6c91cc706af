import type { Role } from '../domain/roles.js';
import type { FieldState, FieldTask } from '../store/field.js';
import type { SiteStatus } from '../store/types.js';

/**
 * Where a site's field work may go next. `null` is "no field work yet". A `not_found` site may be sent out again
 * (a second look); eradicated and not_poppy are final.
 */
export const NEXT_STATES: Record<FieldState | 'none', readonly FieldState[]> = {
  none: ['assigned'],
  assigned: ['assigned', 'visited', 'eradicated', 'not_found', 'not_poppy'],
  visited: ['assigned', 'eradicated', 'not_found', 'not_poppy'],
  eradicated: [],
  not_found: ['assigned'],
  not_poppy: [],
};

/** Outcomes a field visit can end in; each needs evidence. */
export const OUTCOMES: readonly FieldState[] = ['eradicated', 'not_found', 'not_poppy'];

export interface FieldChange {
  state: FieldState;
  assignee?: string | null;
  dueDate?: string | null;
  plantsCounted?: number | null;
  species?: string | null;
  note?: string | null;
  photoCount: number;
}

export interface RuleViolation {
  status: 400 | 403 | 409 | 422;
  code: string;
  message: string;
}

/** Reviewers send teams out; officers record what they found; admins may do both. */
export function roleMayRecord(role: Role, state: FieldState): boolean {
  if (role === 'admin') return true;
  return state === 'assigned' ? role === 'reviewer' : role === 'officer';
}

/**
 * Checks one change against the site, its current field task and who asks. Returns the first violation, or null.
 * `assigneeRole` is the role of the named assignee (undefined when no such active user).
 */
export function checkFieldChange(
  site: { id: number; status: SiteStatus },
  task: FieldTask | null,
  change: FieldChange,
  actor: { username: string; role: Role },
  assigneeRole?: Role,
): RuleViolation | null {
  const { state } = change;
  if (!roleMayRecord(actor.role, state)) {
    const who = state === 'assigned' ? 'reviewers and admins' : 'field officers and admins';
    return { status: 403, code: 'forbidden', message: `Only ${who} may set a site to "${state}".` };
  }
  if (site.status !== 'confirmed') {
    return { status: 409, code: 'site_not_confirmed', message: `Site ${site.id} is ${site.status}; only confirmed sites get field work.` };
  }
  const from = task?.state ?? 'none';
  if (!NEXT_STATES[from].includes(state)) {
    const allowed = NEXT_STATES[from];
    return {
      status: 409,
      code: 'invalid_transition',
      message: `Site ${site.id} is "${from === 'none' ? 'not assigned' : from}"; it cannot become "${state}"${allowed.length ? ` (next: ${allowed.join(', ')})` : ' (this outcome is final)'}.`,
    };
  }
  if (state !== 'assigned' && actor.role === 'officer' && task?.assignee?.toLowerCase() !== actor.username.toLowerCase()) {
    return { status: 403, code: 'not_assignee', message: `Site ${site.id} is assigned to ${task?.assignee ?? 'nobody'}, not to you.` };
  }
  if (state === 'assigned') {
    if (!change.assignee) return { status: 400, code: 'invalid_request', message: 'Assigning a site needs an assignee (a user name).' };
    if (assigneeRole !== 'officer' && assigneeRole !== 'admin') {
      return { status: 422, code: 'unknown_assignee', message: `"${change.assignee}" is not an active field officer.` };
    }
  } else if (change.assignee != null || change.dueDate != null) {
    return { status: 400, code: 'invalid_request', message: 'assignee and dueDate go only with state "assigned".' };
  }
  if (state !== 'eradicated' && change.plantsCounted != null && state !== 'visited') {
    return { status: 400, code: 'invalid_request', message: `plantsCounted does not go with "${state}".` };
  }
  if (state === 'eradicated' && (change.plantsCounted == null || change.plantsCounted < 1)) {
    return { status: 400, code: 'count_required', message: 'Eradicated needs plantsCounted: the number of plants counted and destroyed (at least 1).' };
  }
  if ((state === 'not_found' || state === 'not_poppy') && !change.note) {
    return { status: 400, code: 'note_required', message: `"${state}" needs a note saying what was seen on site.` };
  }
  if (OUTCOMES.includes(state) && change.photoCount === 0) {
    return { status: 400, code: 'photo_required', message: `"${state}" needs at least one photo as evidence (multipart field "photos").` };
  }
  return null;
}
