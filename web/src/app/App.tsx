import { useEffect, useState } from 'react';
import { onUnauthorized } from '../api/client.js';
import { Login } from '../auth/Login.js';
import { hasRole, useSession, type SessionUser } from '../auth/useSession.js';
import { FlightsPage } from '../flights/FlightsPage.js';
import { LangSwitch } from '../i18n/LangSwitch.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { ReviewPage } from '../review/ReviewPage.js';
import { DashboardPage } from '../dashboard/DashboardPage.js';
import { useConfig, useFlights } from './data.js';

type Page = 'review' | 'flights' | 'season';

function pageFromHash(): Page {
  if (location.hash.startsWith('#/season')) return 'season';
  return location.hash.startsWith('#/flights') ? 'flights' : 'review';
}

function Workspace({ user, onLogout }: { user: SessionUser; onLogout: () => void }) {
  useLang();
  const config = useConfig();
  const { flights, reload } = useFlights();
  const [page, setPage] = useState<Page>(pageFromHash);
  const [reviewFlight, setReviewFlight] = useState('');

  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

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
          <a href="#/review" aria-current={page === 'review' ? 'page' : undefined}>
            {t('app.review')}
          </a>
          <a href="#/flights" aria-current={page === 'flights' ? 'page' : undefined}>
            {t('app.flights')}
          </a>
          {hasRole(user, 'reviewer') && (
            <a href="#/season" aria-current={page === 'season' ? 'page' : undefined}>
              {t('dash.nav')}
            </a>
          )}
          <a href="/snap.html">{t('app.snap')}</a>
        </nav>
        <span className="spacer" />
        {config?.model?.version && <span className="muted small">{t('app.model', { name: config.model.name, version: config.model.version })}</span>}
        <LangSwitch />
        <span className="user">{t('common.signedInAs', { name: user.username, role: t(`common.role.${user.role}`) })}</span>
        <button type="button" onClick={onLogout}>
          {t('common.logout')}
        </button>
      </header>
      <main>
        {page === 'season' && hasRole(user, 'reviewer') ? (
          <DashboardPage flights={flights} />
        ) : page === 'review' || page === 'season' ? (
          <ReviewPage
            key={reviewFlight}
            config={config}
            flights={flights}
            canReview={hasRole(user, 'reviewer')}
            initialFlight={reviewFlight}
          />
        ) : (
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
        <Login onLogin={login} subtitle={t('app.subtitle')} initialError={state.error} />
      </div>
    );
  }
  return <Workspace user={state.user} onLogout={() => void logout()} />;
}
