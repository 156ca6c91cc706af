import { useState, type FormEvent } from 'react';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { isValidTileUrl, saveBasemap, type BasemapSettings } from './basemap.js';

interface Props {
  current: BasemapSettings;
  serverDefault: BasemapSettings;
  onChange: (s: BasemapSettings | null) => void;
  onClose: () => void;
}

/** Basemap settings, stored in this browser only; "use server default" forgets them. */
export function BasemapPanel({ current, serverDefault, onChange, onClose }: Props) {
  useLang();
  const [url, setUrl] = useState(current.url);
  const [gcj02, setGcj02] = useState(current.gcj02);
  const [attribution, setAttribution] = useState(current.attribution);
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = url.trim();
    if (!isValidTileUrl(trimmed)) {
      setError(t('review.basemap.invalidUrl'));
      return;
    }
    const s = { url: trimmed, gcj02, attribution: attribution.trim() };
    saveBasemap(s);
    onChange(s);
    onClose();
  }

  return (
    <form className="panel basemap-panel" onSubmit={submit} aria-labelledby="basemap-title">
      <h3 id="basemap-title">{t('review.basemap.title')}</h3>
      <label>
        {t('review.basemap.url')}
        <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://tile.example.org/{z}/{x}/{y}.png" />
      </label>
      <p className="muted small">{t('review.basemap.urlHelp')}</p>
      <label>
        {t('review.basemap.attribution')}
        <input value={attribution} onChange={(e) => setAttribution(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={gcj02} onChange={(e) => setGcj02(e.target.checked)} />
        {t('review.basemap.gcj02')}
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p className="muted small">{t('review.basemap.serverDefault', { url: serverDefault.url || t('review.basemap.none') })}</p>
      <div className="actions">
        <button type="submit" className="primary">
          {t('common.save')}
        </button>
        <button
          type="button"
          onClick={() => {
            saveBasemap(null);
            onChange(null);
            onClose();
          }}
        >
          {t('review.basemap.useDefault')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
