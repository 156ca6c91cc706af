import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { t } from '../i18n/index.js';
import { errorOf } from '../i18n/errors.js';
import { useLang } from '../i18n/useLang.js';

interface Props {
  /** From useSession().login. */
  onLogin: (username: string, password: string) => Promise<void>;
  /** Product area shown under the title, already translated (e.g. the review app or the snap page). */
  subtitle?: string;
  /** An i18n key for a message to show before any attempt (e.g. server unreachable). */
  initialError?: string;
}

/** Sign-in form shared by the review app and the snap page. */
export function Login({ onLogin, subtitle, initialError }: Props) {
  useLang();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initialError ? t(initialError) : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLogin(username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) setError(t('common.login.rateLimited'));
      else if (err instanceof ApiError && (err.status === 401 || err.status === 400)) setError(t('common.login.wrong'));
      else if (err instanceof ApiError) setError(errorOf(err));
      else setError(t('common.serverUnreachable'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">PoppyWatch</h1>
      {subtitle && <p className="login-subtitle">{subtitle}</p>}
      <label>
        {t('common.login.username')}
        <input
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoFocus
        />
      </label>
      <label>
        {t('common.login.password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('common.login.signingIn') : t('common.login.signIn')}
      </button>
    </form>
  );
}
