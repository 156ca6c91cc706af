import { Router } from 'express';
import { z } from 'zod';
import { addUser, ConfusableUsernameError, NewUserSchema, PasswordSchema } from '../../auth/accounts.js';
import { passwordProblem } from '../../auth/passwordPolicy.js';
import { ROLES } from '../../auth/roles.js';
import { requireRole } from '../../auth/middleware.js';
import { hashPassword } from '../../auth/passwords.js';
import type { AuditRepo } from '../../store/audit.js';
import type { SessionsRepo } from '../../store/sessions.js';
import type { TokensRepo } from '../../store/tokens.js';
import { DuplicateUsernameError, type UsersRepo } from '../../store/users.js';
import { HttpError, notFound } from '../errors.js';
import { findOr404, parse, parseId } from '../validate.js';

const UserChangeSchema = z
  .object({
    role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` }).optional(),
    disabled: z.boolean().optional(),
    password: PasswordSchema.optional(),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined || b.password !== undefined, { message: 'send role, disabled or password' });

/** POST /api/users, GET /api/users, PATCH /api/users/:id (admin only; relative to /api). */
export function usersRouter({ store }: { store: { users: UsersRepo; sessions: SessionsRepo; tokens: TokensRepo; audit: AuditRepo; tx<T>(fn: () => Promise<T>): Promise<T> } }): Router {
  const router = Router();
  const userOr404 = (raw: unknown) => findOr404(raw, 'User', (id) => store.users.get(id));

  router.post('/users', requireRole('admin'), async (req, res) => {
    const body = parse(NewUserSchema, req.body ?? {}, 'user');
    try {
      const passwordHash = await hashPassword(body.password);
      const user = await addUser(store.users, { username: body.username, role: body.role, passwordHash });
      await store.audit.append({ action: 'user_created', user: req.user, details: { userId: user.id, username: user.username, role: user.role }, ip: req.ip });
      res.status(201).json({ id: user.id, username: user.username, role: user.role });
    } catch (err) {
      if (err instanceof DuplicateUsernameError) return void res.status(409).json({ error: 'username_taken', message: err.message });
      if (err instanceof ConfusableUsernameError) return void res.status(409).json({ error: 'username_confusable', message: err.message });
      throw err;
    }
  });

  router.patch('/users/:id', requireRole('admin'), async (req, res) => {
    const user = await userOr404(req.params.id);
    const id = user.id;
    const body = parse(UserChangeSchema, req.body ?? {}, 'user change');
    if (req.user!.id === id && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))) {
      return void res.status(409).json({ error: 'self_lockout', message: 'You cannot disable yourself or take away your own admin role.' });
    }
    if (body.password !== undefined) {
      const problem = passwordProblem(body.password, user.username);
      if (problem) throw new HttpError(400, 'invalid_request', `Invalid user change: password: ${problem}.`);
    }
    // hashed first, then everything in one transaction AFTER the new hash is known: no moment where the old
    // password, an old session or an old token still works next to the new state
    const newHash = body.password !== undefined ? await hashPassword(body.password) : undefined;
    const { revokedTokens, changed } = await store.tx(
      async () => {
        if (body.role !== undefined) await store.users.setRole(id, body.role);
        if (body.disabled !== undefined) await store.users.setDisabled(id, body.disabled);
        if (newHash !== undefined) await store.users.setPasswordHash(id, newHash);
        // a new role, a disabled account or a reset password must not live on in open sessions
        await store.sessions.deleteForUser(id);
        // tokens go with a reset or a disable, so re-enabling an account does not bring them back
        const revoked = newHash !== undefined || body.disabled === true ? await store.tokens.revokeAllForUser(id) : 0;
        return { revokedTokens: revoked, changed: (await store.users.get(id))! };
      },
    );
    await store.audit.append({
      action: 'user_changed',
      user: req.user,
      before: { role: user.role, disabled: user.disabled },
      after: { role: changed.role, disabled: changed.disabled, passwordReset: body.password !== undefined },
      details: { userId: id, username: user.username, revokedTokens },
      ip: req.ip,
    });
    res.json({ id: changed.id, username: changed.username, role: changed.role, disabled: changed.disabled });
  });

  router.get('/users/:id/tokens', requireRole('admin'), async (req, res) => {
    const user = await userOr404(req.params.id);
    res.json({ user: { id: user.id, username: user.username }, tokens: await store.tokens.listForUser(user.id) });
  });

  router.delete('/users/:id/tokens/:tokenId', requireRole('admin'), async (req, res) => {
    const user = await userOr404(req.params.id);
    const tokenId = parseId(req.params.tokenId, 'Token');
    if (!(await store.tokens.revoke(tokenId, user.id))) throw notFound(`An active token ${tokenId} of ${user.username}`);
    await store.audit.append({ action: 'token_revoked', user: req.user, details: { tokenId, userId: user.id, username: user.username }, ip: req.ip });
    res.status(204).end();
  });

  router.get('/users', requireRole('admin'), async (_req, res) => {
    res.json({ users: (await store.users.list()).map((u) => ({ id: u.id, username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt })) });
  });

  return router;
}
