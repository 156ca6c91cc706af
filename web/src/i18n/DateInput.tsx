import { useRef, useState } from 'react';
import { t } from './index.js';
import { useLang } from './useLang.js';

interface Props {
  /** YYYY-MM-DD or '' */
  value: string;
  onChange: (value: string) => void;
  name?: string;
  'aria-label'?: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date field in the reader's language. The browser's own date input shows its format in the browser's language
 * (mm/dd/yyyy on an English Chromium), whatever the page's language; this one shows "2026年5月12日" or "12 May 2026",
 * takes a typed YYYY-MM-DD, and opens the browser's calendar from its button.
 */
export function DateInput({ value, onChange, name, ...rest }: Props) {
  const lang = useLang();
  const picker = useRef<HTMLInputElement>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const shown = editing ?? (value ? formatDay(value, lang) : '');
  const commit = (text: string) => {
    const v = text.trim();
    if (v === '' || ISO.test(v)) onChange(v);
    setEditing(null);
  };
  return (
    <span className="date-input">
      <input
        type="text"
        name={name}
        value={shown}
        placeholder={t('common.datePlaceholder')}
        aria-label={rest['aria-label']}
        onFocus={() => setEditing(value)}
        onChange={(e) => setEditing(e.target.value)}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit((e.target as HTMLInputElement).value);
        }}
      />
      <button type="button" className="date-pick" aria-label={t('common.pickDate')} title={t('common.pickDate')} onClick={() => picker.current?.showPicker?.()}>
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
          <rect x="1.5" y="2.5" width="11" height="10" rx="1.5" fill="none" stroke="currentColor" />
          <path d="M1.5 5.5h11M4.5 1v3M9.5 1v3" stroke="currentColor" />
        </svg>
      </button>
      <input ref={picker} type="date" tabIndex={-1} aria-hidden="true" className="date-native" value={value} onChange={(e) => onChange(e.target.value)} />
    </span>
  );
}

export function formatDay(iso: string, lang: 'en' | 'zh'): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (!ISO.test(iso) || Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
}
