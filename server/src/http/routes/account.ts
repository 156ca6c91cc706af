import express, { type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../appDeps.js';
import { PasswordSchema } from '../../auth/accounts.js';
import { requireRole } from '../../auth/middleware.js';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { passwordProblem } from '../../auth/passwordPolicy.js';
import { HttpError } from '../errors.js';
import { parse } from '../validate.js';

const ChangePasswordSchema = z
  .object({ currentPassword: z.string().min(1, 'give your current password').max(1024), newPassword: PasswordSchema })
  .strict();

/** POST /api/auth/password: any signed-in user changes their own password (current one required). */
export function accountRouter({ store }: AppDeps): Router {
  const router = express.Router();
  router.post('/auth/password', requireRole(), async (req, res) => {
    const body = parse(ChangePasswordSchema, req.body ?? {}, 'password change');
    const me = req.user!;
    const account = typeof me.id === 'number' ? await store.users.findForLogin(me.username) : undefined;
    if (!account || account.id !== me.id) throw new HttpError(403, 'no_account', 'This credential has no user account whose password could change.');
    if (!(await verifyPassword(body.currentPassword, account.passwordHash))) {
      throw new HttpError(400, 'wrong_password', 'The current password is wrong.');
    }
    const problem = passwordProblem(body.newPassword, account.username);
    if (problem) throw new HttpError(400, 'weak_password', problem);
    const passwordHash = await hashPassword(body.newPassword);
    // the new hash and the end of the other sessions together: no moment where an old session outlives the change
    await store.tx(async () => {
      await store.users.setPasswordHash(account.id, passwordHash);
      // other browsers signed in as this user must sign in again with the new password
      await store.sessions.deleteForUser(account.id);
    });
    await store.audit.append({ action: 'user_changed', user: me, details: { userId: account.id, username: account.username, ownPasswordChanged: true }, ip: req.ip });
    res.status(204).end();
  });
  return router;
}
