import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Id } from '../api/types.js';
import { MIN_PASSWORD_LENGTH } from '../admin/UsersPage.js';
import type { SessionUser } from '../auth/useSession.js';
import { errorOf } from '../i18n/errors.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { formatTime } from '../review/format.js';

interface TokenRow {
  id: Id;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  expiresAt?: string | null;
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next.trim().length < MIN_PASSWORD_LENGTH) return setError(t('account.tooShort', { n: MIN_PASSWORD_LENGTH }));
    if (next !== repeat) return setError(t('account.mismatch'));
    setError(null);
    try {
      await api('/api/auth/password', { method: 'POST', json: { currentPassword: current, newPassword: next } });
      onChanged();
    } catch (err) {
      setError(errorOf(err));
    }
  }
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="pw-title" data-testid="change-password">
      <h3 id="pw-title">{t('account.changePassword')}</h3>
      <label>
        {t('account.current')}
        <input type="password" name="currentPassword" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" required />
      </label>
      <label>
        {t('account.new')}
        <input type="password" name="newPassword" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" required />
      </label>
      <label>
        {t('account.repeat')}
        <input type="password" name="repeatPassword" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" required />
      </label>
      <p className="muted small">{t('users.passwordHelp', { n: MIN_PASSWORD_LENGTH })}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        {t('account.change')}
      </button>
    </form>
  );
}

function MyTokens() {
  const lang = useLang();
  const [tokens, setTokens] = useState<TokenRow[]>([]);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setTokens((await api<{ tokens: TokenRow[] }>('/api/auth/tokens')).tokens);
    } catch (err) {
      setError(errorOf(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const made = await api<{ token: string }>('/api/auth/tokens', { method: 'POST', json: { name: name.trim() } });
      setShown(made.token);
      setName('');
      void load();
    } catch (err) {
      setError(errorOf(err));
    }
  }
  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h3 id="tokens-title">{t('account.tokens')}</h3>
      <ul>
        {tokens.map((tk) => (
          <li key={String(tk.id)}>
            <strong>{tk.name}</strong> <span className="muted small">{formatTime(tk.createdAt, lang)}</span>{' '}
            {tk.revokedAt ? (
              <span className="badge">{t('users.revoked', { at: formatTime(tk.revokedAt, lang) })}</span>
            ) : (
              <button type="button" onClick={() => void api(`/api/auth/tokens/${tk.id}`, { method: 'DELETE' }).then(load, (err) => setError(errorOf(err)))}>
                {t('users.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={create}>
        <label>
          {t('account.tokenName')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <button type="submit" disabled={!name.trim()}>
          {t('account.createToken')}
        </button>
      </form>
      {shown && (
        <p className="notice" role="status">
          {t('account.tokenShown')} <code data-testid="new-token">{shown}</code>
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Every user: change their own password and manage their own API tokens. */
export function AccountPage({ me, onPasswordChanged }: { me: SessionUser; onPasswordChanged: () => void }) {
  useLang();
  return (
    <div className="page account-page" data-testid="account-page">
      <h2>{t('account.title')}</h2>
      <p>{t('account.signedIn', { name: me.username, role: t(`common.role.${me.role}`) })}</p>
      <ChangePassword onChanged={onPasswordChanged} />
      <MyTokens />
    </div>
  );
}
