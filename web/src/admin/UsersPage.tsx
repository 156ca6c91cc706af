import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Id } from '../api/types.js';
import type { SessionUser } from '../auth/useSession.js';
import { errorOf } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatTime } from '../review/format.js';

const ROLES = ['admin', 'operator', 'reviewer', 'officer'] as const;
export const MIN_PASSWORD_LENGTH = 12;

interface UserRow {
  id: Id;
  username: string;
  role: (typeof ROLES)[number];
  disabled: boolean;
  createdAt?: string;
}

interface TokenRow {
  id: Id;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  expiresAt?: string | null;
}

/** A readable random password that passes the server's rules (letters and digits, 16 characters). */
export function suggestPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function NewUserForm({ onAdded }: { onAdded: (name: string) => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<UserRow['role']>('reviewer');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('/api/users', { method: 'POST', json: { username: username.trim(), role, password } });
      onAdded(username.trim());
      setUsername('');
      setPassword('');
    } catch (err) {
      setError(errorOf(err));
    }
  }
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="add-user-title" data-testid="add-user">
      <h3 id="add-user-title">{t('users.add')}</h3>
      <div className="row">
        <label>
          {t('users.username')}
          <input name="newUsername" value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} autoComplete="off" />
        </label>
        <label>
          {t('users.role')}
          <select name="newRole" value={role} onChange={(e) => setRole(e.target.value as UserRow['role'])}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`common.role.${r}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('users.password')}
        <span className="row">
          <input name="newPassword" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" />
          <button type="button" onClick={() => setPassword(suggestPassword())}>
            {t('users.generate')}
          </button>
        </span>
      </label>
      <p className="muted small">{t('users.passwordHelp', { n: MIN_PASSWORD_LENGTH })}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={!username.trim() || password.length < MIN_PASSWORD_LENGTH}>
        {t('users.create')}
      </button>
    </form>
  );
}

function Tokens({ user, onError }: { user: UserRow; onError: (m: string) => void }) {
  const lang = useLang();
  const [tokens, setTokens] = useState<TokenRow[] | null>(null);
  const load = useCallback(async () => {
    try {
      setTokens((await api<{ tokens: TokenRow[] }>(`/api/users/${user.id}/tokens`)).tokens);
    } catch (err) {
      onError(errorOf(err));
    }
  }, [user.id, onError]);
  useEffect(() => {
    void load();
  }, [load]);
  async function revoke(id: Id) {
    try {
      await api(`/api/users/${user.id}/tokens/${id}`, { method: 'DELETE' });
      void load();
    } catch (err) {
      onError(errorOf(err));
    }
  }
  if (!tokens) return <p className="muted">{t('common.loading')}</p>;
  return (
    <div className="tokens" data-testid={`tokens-${user.username}`}>
      <h4>{t('users.tokensOf', { name: user.username })}</h4>
      {tokens.length === 0 ? (
        <p className="muted">{t('users.noTokens')}</p>
      ) : (
        <ul>
          {tokens.map((tk) => (
            <li key={String(tk.id)}>
              <strong>{tk.name}</strong> <span className="muted small">{formatTime(tk.createdAt, lang)}</span>{' '}
              {tk.revokedAt ? (
                <span className="badge">{t('users.revoked', { at: formatTime(tk.revokedAt, lang) })}</span>
              ) : (
                <>
                  <span className="muted small">{tk.expiresAt ? t('users.expires', { at: formatTime(tk.expiresAt, lang) }) : t('users.never')}</span>{' '}
                  <button type="button" onClick={() => void revoke(tk.id)}>
                    {t('users.revoke')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Administrators: add users, change roles, disable, reset passwords, see and revoke API tokens. */
export function UsersPage({ me }: { me: SessionUser }) {
  const lang = useLang();
  const [users, setUsers] = useState<UserRow[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resetFor, setResetFor] = useState<Id | null>(null);
  const [resetPassword, setResetPassword] = useState('');
  const [tokensFor, setTokensFor] = useState<Id | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await api<{ users: UserRow[] }>('/api/users')).users);
    } catch (err) {
      setError(errorOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function change(u: UserRow, body: Partial<{ role: string; disabled: boolean; password: string }>, done: string) {
    setError(null);
    setNotice(null);
    try {
      await api(`/api/users/${u.id}`, { method: 'PATCH', json: body });
      setNotice(done);
      void load();
      return true;
    } catch (err) {
      setError(errorOf(err));
      return false;
    }
  }

  return (
    <div className="page admin-page" data-testid="users-page">
      <h2>{t('users.title')}</h2>
      <NewUserForm
        onAdded={(name) => {
          setNotice(t('users.created', { name }));
          void load();
        }}
      />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <table className="table users-table">
        <thead>
          <tr>
            <th>{t('users.col.name')}</th>
            <th>{t('users.col.role')}</th>
            <th>{t('users.col.status')}</th>
            <th>{t('users.col.created')}</th>
            <th>{t('users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const self = String(u.id) === String(me.id);
            return (
              <tr key={String(u.id)} data-testid={`user-${u.username}`} className={u.disabled ? 'disabled' : undefined}>
                <td>
                  {u.username} {self && <span className="muted">{t('users.you')}</span>}
                  {String(tokensFor) === String(u.id) && <Tokens user={u} onError={setError} />}
                  {String(resetFor) === String(u.id) && (
                    <form
                      className="row reset-form"
                      onSubmit={async (e) => {
                        e.preventDefault();
                        if (await change(u, { password: resetPassword }, t('users.passwordReset', { name: u.username }))) {
                          setResetFor(null);
                          setResetPassword('');
                        }
                      }}
                    >
                      <label>
                        {t('users.newPassword', { name: u.username })}
                        <input name="resetPassword" value={resetPassword} onChange={(e) => setResetPassword(e.target.value)} minLength={MIN_PASSWORD_LENGTH} required autoComplete="new-password" />
                      </label>
                      <button type="button" onClick={() => setResetPassword(suggestPassword())}>
                        {t('users.generate')}
                      </button>
                      <button type="submit" className="primary">
                        {t('common.save')}
                      </button>
                      <button type="button" onClick={() => setResetFor(null)}>
                        {t('common.cancel')}
                      </button>
                    </form>
                  )}
                </td>
                <td>
                  <select
                    aria-label={t('users.role')}
                    value={u.role}
                    disabled={self}
                    onChange={(e) => void change(u, { role: e.target.value }, t('users.roleChanged', { name: u.username, role: t(`common.role.${e.target.value}`) }))}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`common.role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <span className={`badge ${u.disabled ? 'status-confirmed' : 'flight-done'}`}>{u.disabled ? t('users.disabled') : t('users.active')}</span>
                </td>
                <td>{formatTime(u.createdAt, lang)}</td>
                <td className="actions">
                  <button type="button" disabled={self} onClick={() => void change(u, { disabled: !u.disabled }, `${u.username}: ${u.disabled ? t('users.active') : t('users.disabled')}`)}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                  <button type="button" onClick={() => setResetFor(String(resetFor) === String(u.id) ? null : u.id)}>
                    {t('users.resetPassword')}
                  </button>
                  <button type="button" onClick={() => setTokensFor(String(tokensFor) === String(u.id) ? null : u.id)} data-testid={`show-tokens-${u.username}`}>
                    {t('users.tokens')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
