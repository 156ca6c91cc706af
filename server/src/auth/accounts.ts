import { z } from 'zod';
import type { UsersRepo, UserRow } from '../store/users.js';
import { hashPassword } from './passwords.js';
import { passwordProblem } from './passwordPolicy.js';
import { ROLES, type Role } from './roles.js';
import { confusableScripts, normaliseUsername, usernameSkeleton } from './usernames.js';

export const UsernameSchema = z
  .string()
  .transform(normaliseUsername)
  .pipe(
    z
      .string()
      .min(1, 'username is empty')
      .max(64, 'username is longer than 64 characters')
      .regex(/^[\p{L}\p{N}._@-]+$/u, 'username may contain only letters, digits and . _ @ -')
      .refine((u) => confusableScripts(u).length <= 1, 'username mixes letters of the Latin, Cyrillic and Greek alphabets'),
  );

/** The password on its own (length, common list); the username check needs the user: see passwordProblem. */
export const PasswordSchema = z
  .string()
  .max(1024, 'password is longer than 1024 characters')
  .superRefine((pw, ctx) => {
    const problem = passwordProblem(pw);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const NewUserSchema = z
  .object({
    username: UsernameSchema,
    password: PasswordSchema,
    role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` }),
  })
  .superRefine((u, ctx) => {
    const problem = passwordProblem(u.password, u.username);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });

export class ConfusableUsernameError extends Error {
  constructor(
    username: string,
    public existing: string,
  ) {
    super(`the username "${username}" looks like the existing user "${existing}"`);
  }
}

/** Throws ConfusableUsernameError when the name looks like one of the existing users'. */
export function assertDistinctUsername(existing: Pick<UserRow, 'username'>[], username: string): void {
  const skeleton = usernameSkeleton(username);
  const clash = existing.find((u) => usernameSkeleton(u.username) === skeleton && u.username.toLowerCase() !== username.toLowerCase());
  if (clash) throw new ConfusableUsernameError(username, clash.username);
}

/** Adds a user whose name does not look like an existing one (checked and inserted under one lock). */
export async function addUser(users: Pick<UsersRepo, 'createUnless'>, input: { username: string; passwordHash: string; role: Role }): Promise<UserRow> {
  return users.createUnless((existing) => assertDistinctUsername(existing, input.username), input);
}

export async function createUser(users: Pick<UsersRepo, 'createUnless'>, input: { username: string; password: string; role: Role }): Promise<UserRow> {
  const parsed = NewUserSchema.parse(input);
  const passwordHash = await hashPassword(parsed.password);
  return addUser(users, { username: parsed.username, role: parsed.role, passwordHash });
}
