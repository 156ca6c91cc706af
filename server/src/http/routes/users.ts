import { Router } from 'express';
import { NewUserSchema } from '../../auth/accounts.js';
import { requireRole } from '../../auth/middleware.js';
import { hashPassword } from '../../auth/passwords.js';
import { parseBody } from '../../auth/validation.js';
import type { AuditRepo } from '../../store/audit.js';
import { DuplicateUsernameError, type UsersRepo } from '../../store/users.js';

/** POST /api/users, GET /api/users (admin only; relative to /api). */
export function usersRouter({ store }: { store: { users: UsersRepo; audit: AuditRepo } }): Router {
  const router = Router();

  router.post('/users', requireRole('admin'), async (req, res) => {
    const body = parseBody(NewUserSchema, req, res);
    if (!body) return;
    try {
      const user = store.users.create({ username: body.username, role: body.role, passwordHash: await hashPassword(body.password) });
      store.audit.append({ action: 'user_created', user: req.user, details: { userId: user.id, username: user.username, role: user.role }, ip: req.ip });
      res.status(201).json({ id: user.id, username: user.username, role: user.role });
    } catch (err) {
      if (err instanceof DuplicateUsernameError) return void res.status(409).json({ error: 'username_taken', message: err.message });
      throw err;
    }
  });

  router.get('/users', requireRole('admin'), (_req, res) => {
    res.json({ users: store.users.list().map((u) => ({ id: u.id, username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt })) });
  });

  return router;
}
