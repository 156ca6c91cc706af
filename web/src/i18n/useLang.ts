import { useEffect, useState } from 'react';
import { getLang, onLangChange, type Lang } from './index.js';

/** Re-renders the calling component when the UI language changes; returns the current language. */
export function useLang(): Lang {
  const [lang, setLangState] = useState<Lang>(getLang());
  useEffect(() => {
    const off = onLangChange(setLangState);
    return () => void off();
  }, []);
  return lang;
}
