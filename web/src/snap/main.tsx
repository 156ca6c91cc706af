import { StrictMode, useCallback, useEffect, useLayoutEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'leaflet/dist/leaflet.css';
import './snap.css';
import { Login } from '../auth/Login.js';
import { hasRole, useSession, type SessionUser } from '../auth/useSession.js';
import { getLang, setLang, t } from '../i18n/index.js';
import { LangSwitch } from '../i18n/LangSwitch.js';
import { useLang } from '../i18n/useLang.js';
import { flushQueue, refreshSession, setNeedsLogin, setOutboxUser } from './queue.js';
import { completePendingSignOut, forgetPendingSignOut, markSignOutPending, signOutPending } from './session.js';
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
  // Signed out on this phone (perhaps offline): whatever session the browser still holds is not used, and the
  // server is told as soon as it can be reached. Only a new sign-in ends this.
  const [signedOut, setSignedOut] = useState<boolean>(signOutPending);

  useEffect(() => {
    const finish = () => void completePendingSignOut();
    finish();
    window.addEventListener('online', finish);
    return () => window.removeEventListener('online', finish);
  }, []);

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
      await completePendingSignOut();
      await login(username, password);
      // the new session's cookie has replaced the old one on this phone
      forgetPendingSignOut();
      setSignedOut(false);
      setNeedsLogin(false);
      // the outbox is flushed by SnapApp when it mounts, once the page knows who signed in
    },
    [login],
  );
  const signOut = useCallback(() => {
    saveUser(null);
    setCached(null);
    setRevived(null);
    setOutboxUser(null);
    markSignOutPending();
    setSignedOut(true);
    logout().then(
      () => forgetPendingSignOut(),
      () => undefined, // offline (or already ended): completed when the network returns
    );
  }, [logout]);

  const user = signedOut ? null : state.status === 'signed-in' ? state.user : (revived ?? offlineUser);
  // snaps taken now belong to this officer, and only theirs are sent under this session
  // (a layout effect: it runs before SnapApp's effects, which flush the outbox)
  useLayoutEffect(() => setOutboxUser(user), [user]);
  let body;
  if (state.status === 'loading' && !signedOut) body = <p className="hint">{t('common.loading')}</p>;
  else if (!user) body = <Login onLogin={signIn} subtitle={t('snap.subtitle')} initialError={state.status === 'anonymous' && !signedOut ? state.error : undefined} />;
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
