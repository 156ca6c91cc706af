import { Router } from 'express';
import { z } from 'zod';
import { NewUserSchema, PasswordSchema } from '../../auth/accounts.js';
import { ROLES } from '../../auth/roles.js';
import { requireRole } from '../../auth/middleware.js';
import { hashPassword } from '../../auth/passwords.js';
import type { AuditRepo } from '../../store/audit.js';
import type { SessionsRepo } from '../../store/sessions.js';
import { DuplicateUsernameError, type UsersRepo } from '../../store/users.js';
import { parse } from '../validate.js';

const UserChangeSchema = z
  .object({
    role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` }).optional(),
    disabled: z.boolean().optional(),
    password: PasswordSchema.optional(),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined || b.password !== undefined, { message: 'send role, disabled or password' });

/** POST /api/users, GET /api/users, PATCH /api/users/:id (admin only; relative to /api). */
export function usersRouter({ store }: { store: { users: UsersRepo; sessions: SessionsRepo; audit: AuditRepo; tx<T>(fn: () => T): T } }): Router {
  const router = Router();

  router.post('/users', requireRole('admin'), async (req, res) => {
    const body = parse(NewUserSchema, req.body ?? {}, 'user');
    try {
      const user = store.users.create({ username: body.username, role: body.role, passwordHash: await hashPassword(body.password) });
      store.audit.append({ action: 'user_created', user: req.user, details: { userId: user.id, username: user.username, role: user.role }, ip: req.ip });
      res.status(201).json({ id: user.id, username: user.username, role: user.role });
    } catch (err) {
      if (err instanceof DuplicateUsernameError) return void res.status(409).json({ error: 'username_taken', message: err.message });
      throw err;
    }
  });

  router.patch('/users/:id', requireRole('admin'), async (req, res) => {
    const id = Number(req.params.id);
    const user = Number.isSafeInteger(id) && id > 0 ? store.users.get(id) : undefined;
    if (!user) return void res.status(404).json({ error: 'not_found', message: `User ${req.params.id} does not exist.` });
    const body = parse(UserChangeSchema, req.body ?? {}, 'user change');
    if (req.user!.id === id && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))) {
      return void res.status(409).json({ error: 'self_lockout', message: 'You cannot disable yourself or take away your own admin role.' });
    }
    store.tx(() => {
      if (body.role !== undefined) store.users.setRole(id, body.role);
      if (body.disabled !== undefined) store.users.setDisabled(id, body.disabled);
      // a new role, a disabled account or a reset password must not live on in open sessions
      store.sessions.deleteForUser(id);
    });
    if (body.password !== undefined) store.users.setPasswordHash(id, await hashPassword(body.password));
    const changed = store.users.get(id)!;
    store.audit.append({
      action: 'user_changed',
      user: req.user,
      before: { role: user.role, disabled: user.disabled },
      after: { role: changed.role, disabled: changed.disabled, passwordReset: body.password !== undefined },
      details: { userId: id, username: user.username },
      ip: req.ip,
    });
    res.json({ id: changed.id, username: changed.username, role: changed.role, disabled: changed.disabled });
  });

  router.get('/users', requireRole('admin'), (_req, res) => {
    res.json({ users: store.users.list().map((u) => ({ id: u.id, username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt })) });
  });

  return router;
}
