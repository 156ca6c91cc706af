import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'leaflet/dist/leaflet.css';
import './snap.css';
import { Login } from '../auth/Login.js';
import { hasRole, useSession, type SessionUser } from '../auth/useSession.js';
import { getLang, setLang, t } from '../i18n/index.js';
import { LangSwitch } from '../i18n/LangSwitch.js';
import { useLang } from '../i18n/useLang.js';
import { flushQueue, refreshSession, setNeedsLogin } from './queue.js';
import { SnapApp } from './SnapApp.js';
import { SnapTabs } from './tasks/SnapTabs.js';

const USER_KEY = 'poppywatch.snap.user';
const REVIVE_EVERY_MS = 15_000;

/**
 * Session gate of the snap page. Opened with no network (from the service worker's copy), the officer who last
 * signed in on this phone may still take snaps: they wait in the outbox, and the session is checked again as soon
 * as the server answers.
 */
function SnapPage() {
  useLang();
  const { state, login, logout } = useSession();
  const [revived, setRevived] = useState<SessionUser | null>(null);
  const [cached, setCached] = useState<SessionUser | null>(readUser);

  useEffect(() => {
    if (state.status === 'signed-in') saveUser(state.user);
  }, [state]);

  const unreachable = state.status === 'anonymous' && state.error === 'common.serverUnreachable';
  const offlineUser = unreachable && !revived ? cached : null;

  // While working from the cached user, keep asking the server until it answers.
  useEffect(() => {
    if (!offlineUser) return;
    const retry = () =>
      refreshSession().then((r) => {
        if (r.kind === 'ok') {
          setRevived(r.user);
          void flushQueue();
        } else if (r.kind === 'anonymous') {
          // the session ended while offline: sign in again; the outbox waits
          saveUser(null);
          setCached(null);
        }
      });
    window.addEventListener('online', retry);
    const id = setInterval(retry, REVIVE_EVERY_MS);
    return () => {
      window.removeEventListener('online', retry);
      clearInterval(id);
    };
  }, [offlineUser]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      await login(username, password);
      setNeedsLogin(false);
      void flushQueue();
    },
    [login],
  );
  const signOut = useCallback(() => {
    saveUser(null);
    setCached(null);
    setRevived(null);
    void logout();
  }, [logout]);

  const user = state.status === 'signed-in' ? state.user : (revived ?? offlineUser);
  let body;
  if (state.status === 'loading') body = <p className="hint">{t('common.loading')}</p>;
  else if (!user) body = <Login onLogin={signIn} subtitle={t('snap.subtitle')} initialError={state.status === 'anonymous' ? state.error : undefined} />;
  else if (!hasRole(user, 'officer')) body = <p className="notice">{t('snap.wrongRole', { role: t(`common.role.${user.role}`) })}</p>;
  else
    body = (
      <>
        {offlineUser && (
          <p className="notice" data-testid="offline-start">
            {t('snap.offlineStart', { name: offlineUser.username })}
          </p>
        )}
        <SnapTabs username={user.username} snap={<SnapApp onNeedsLogin={signOut} />} />
      </>
    );

  return (
    <div className="snap-page">
      <header className="snap-header">
        <span className="snap-title">{t('snap.title')}</span>
        <LangSwitch />
        {user && !offlineUser && (
          <button type="button" className="link" onClick={signOut}>
            {t('common.logout')}
          </button>
        )}
      </header>
      <main>{body}</main>
    </div>
  );
}

function readUser(): SessionUser | null {
  try {
    const v = JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as SessionUser | null;
    return v && typeof v.username === 'string' && typeof v.role === 'string' ? v : null;
  } catch {
    return null;
  }
}

function saveUser(user: SessionUser | null): void {
  try {
    if (user) localStorage.setItem(USER_KEY, JSON.stringify({ id: user.id, username: user.username, role: user.role }));
    else localStorage.removeItem(USER_KEY);
  } catch {
    /* no storage: no offline start */
  }
}

if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('/snap-sw.js', { scope: '/snap' }).catch(() => undefined);
}

setLang(getLang());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SnapPage />
  </StrictMode>,
);
