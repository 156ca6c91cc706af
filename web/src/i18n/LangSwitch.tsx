import { setLang, t } from './index.js';
import { useLang } from './useLang.js';

/** English / 简体中文 toggle; the choice is stored locally by setLang. */
export function LangSwitch() {
  const lang = useLang();
  return (
    <div className="lang-switch" role="group" aria-label={t('common.language', undefined, lang)}>
      <button type="button" aria-pressed={lang === 'en'} onClick={() => setLang('en')} lang="en">
        English
      </button>
      <button type="button" aria-pressed={lang === 'zh'} onClick={() => setLang('zh')} lang="zh-CN">
        简体中文
      </button>
    </div>
  );
}
