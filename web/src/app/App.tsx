import { useEffect, useMemo, useState } from 'react';
import { onUnauthorized } from '../api/client.js';
import { AccountPage } from '../account/AccountPage.js';
import { AuditPage } from '../admin/AuditPage.js';
import { UsersPage } from '../admin/UsersPage.js';
import { ModelsPage } from '../models/ModelsPage.js';
import { Login } from '../auth/Login.js';
import { hasRole, useSession, type SessionUser } from '../auth/useSession.js';
import { FlightsPage } from '../flights/FlightsPage.js';
import { HelpPage } from '../help/HelpPage.js';
import { LangSwitch } from '../i18n/LangSwitch.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { ReviewPage } from '../review/ReviewPage.js';
import { DashboardPage } from '../dashboard/DashboardPage.js';
import { FieldTasksPage } from '../field/FieldTasksPage.js';
import { useConfig, useFlights } from './data.js';
import { landingPage, pageFromHash, pagesFor, type Page } from './pages.js';

function Workspace({ user, onLogout, onPasswordChanged }: { user: SessionUser; onLogout: () => void; onPasswordChanged: () => void }) {
  const lang = useLang();
  const config = useConfig();
  const { flights, reload } = useFlights();
  const allowed = useMemo(() => pagesFor(user), [user]);
  const [page, setPage] = useState<Page>(() => pageFromHash(location.hash, allowed) ?? landingPage(user));
  const [reviewFlight, setReviewFlight] = useState('');

  useEffect(() => {
    const onHash = () => setPage(pageFromHash(location.hash, allowed) ?? landingPage(user));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [allowed, user]);

  useEffect(() => {
    document.documentElement.setAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
  }, [lang]);

  // Flight statuses change while frames are processed; keep the list fresh while anything is running.
  const busy = flights.some((f) => f.status === 'processing' || f.status === 'queued');
  useEffect(() => {
    const timer = setInterval(() => void reload(), busy ? 3000 : 30000);
    return () => clearInterval(timer);
  }, [busy, reload]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">PoppyWatch</span>
        <nav aria-label={t('app.nav')}>
          {allowed.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={page === p ? 'page' : undefined} data-page={p}>
              {t(`app.${p}`)}
            </a>
          ))}
          <a href="/snap.html">{t('app.snap')}</a>
        </nav>
        <span className="spacer" />
        {config?.model?.version && <span className="muted small model-version">{t('app.model', { name: config.model.name, version: config.model.version })}</span>}
        <LangSwitch />
        {/* the name only, so ten menu entries fit a laptop; the role is in the tooltip and on My account */}
        <a className="user" href="#/account" title={t('common.signedInAs', { name: user.username, role: t(`common.role.${user.role}`) })}>
          {user.username}
        </a>
        <button type="button" onClick={onLogout}>
          {t('common.logout')}
        </button>
      </header>
      <main>
        {page === 'review' && (
          <ReviewPage key={reviewFlight} config={config} flights={flights} canReview={hasRole(user, 'reviewer')} initialFlight={reviewFlight} />
        )}
        {page === 'flights' && (
          <FlightsPage
            flights={flights}
            reload={reload}
            canUpload={hasRole(user, 'operator')}
            onReview={(id) => {
              setReviewFlight(String(id));
              location.hash = '#/review';
            }}
          />
        )}
        {page === 'tasks' && <FieldTasksPage flights={flights} />}
        {page === 'season' && <DashboardPage flights={flights} />}
        {page === 'users' && <UsersPage me={user} />}
        {page === 'models' && <ModelsPage />}
        {page === 'audit' && <AuditPage />}
        {page === 'account' && <AccountPage me={user} onPasswordChanged={onPasswordChanged} />}
        {page === 'help' && <HelpPage />}
      </main>
    </div>
  );
}

export function App() {
  useLang();
  const { state, login, logout, expire } = useSession();
  useEffect(() => onUnauthorized(expire), [expire]);
  if (state.status === 'loading') return <p className="muted empty">{t('common.loading')}</p>;
  if (state.status === 'anonymous') {
    return (
      <div className="login-page">
        <div className="login-lang">
          <LangSwitch />
        </div>
        <Login key={state.error ?? ''} onLogin={login} subtitle={t('app.subtitle')} initialError={state.error} />
      </div>
    );
  }
  return <Workspace user={state.user} onLogout={() => void logout()} onPasswordChanged={() => expire('account.changed')} />;
}
