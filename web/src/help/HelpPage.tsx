import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';

const keys: [string, string][] = [
  ['Y', 'help.key.y'],
  ['N', 'help.key.n'],
  ['→ / Space', 'help.key.next'],
  ['←', 'help.key.prev'],
  ['U', 'help.key.u'],
  ['Z', 'help.key.z'],
  ['Esc', 'help.key.esc'],
];

/** The workflow, the keys, and what the model can and cannot tell apart. */
export function HelpPage() {
  useLang();
  return (
    <article className="page help-page" data-testid="help-page">
      <h2>{t('help.title')}</h2>
      <section>
        <h3>{t('help.workflow')}</h3>
        <ol>
          {['flights', 'review', 'snap', 'export'].map((s) => (
            <li key={s}>{t(`help.step.${s}`)}</li>
          ))}
        </ol>
      </section>
      <section>
        <h3>{t('help.keys')}</h3>
        <table className="table keys-table">
          <tbody>
            {keys.map(([k, label]) => (
              <tr key={k}>
                <td>
                  {k.split(' / ').map((part, i) => (
                    <span key={part}>
                      {i > 0 && ' / '}
                      <kbd>{part}</kbd>
                    </span>
                  ))}
                </td>
                <td>{t(label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h3>{t('help.model')}</h3>
        {['family', 'drone', 'height', 'snap'].map((k) => (
          <p key={k}>{t(`help.model.${k}`)}</p>
        ))}
      </section>
    </article>
  );
}
