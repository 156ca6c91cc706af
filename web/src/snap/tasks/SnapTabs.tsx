import { useEffect, useState, type ReactNode } from 'react';
import { t } from '../../i18n/index.js';
import { TasksTab } from './TasksTab.js';
import './tasks.css';

type Tab = 'snap' | 'tasks';
const tabFromHash = (): Tab => (location.hash === '#tasks' ? 'tasks' : 'snap');

/** The phone page's two tabs: snap a plant, and "My tasks". Both stay mounted so a half-written snap survives. */
export function SnapTabs({ username, snap }: { username: string; snap: ReactNode }) {
  const [tab, setTab] = useState<Tab>(tabFromHash);
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = (next: Tab) => {
    history.replaceState(null, '', next === 'tasks' ? '#tasks' : location.pathname + location.search);
    setTab(next);
  };
  return (
    <>
      <nav className="snap-tabs" role="tablist">
        {(['snap', 'tasks'] as const).map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} data-testid={`tab-${k}`} onClick={() => go(k)}>
            {t(k === 'snap' ? 'field.tab.snap' : 'field.tab.tasks')}
          </button>
        ))}
      </nav>
      <div hidden={tab !== 'snap'}>{snap}</div>
      {tab === 'tasks' && <TasksTab username={username} />}
    </>
  );
}
