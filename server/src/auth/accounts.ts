import { z } from 'zod';
import type { UsersRepo, UserRow } from '../store/users.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { ROLES, type Role } from './roles.js';

export const UsernameSchema = z
  .string()
  .trim()
  .min(1, 'username is empty')
  .max(64, 'username is longer than 64 characters')
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'username may contain only letters, digits and . _ @ -');

export const PasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, 'password is longer than 1024 characters');

export const NewUserSchema = z.object({
  username: UsernameSchema,
  password: PasswordSchema,
  role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` }),
});

export async function createUser(users: Pick<UsersRepo, 'create'>, input: { username: string; password: string; role: Role }): Promise<UserRow> {
  const parsed = NewUserSchema.parse(input);
  return users.create({ username: parsed.username, role: parsed.role, passwordHash: await hashPassword(parsed.password) });
}
