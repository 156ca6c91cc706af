import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'leaflet/dist/leaflet.css';
import './styles.css';
import { App } from './app/App.js';
import { getLang, setLang } from './i18n/index.js';
import { prefetchSites } from './api/prefetch.js';

prefetchSites();
setLang(getLang());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
