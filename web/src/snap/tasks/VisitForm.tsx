import { useState, type FormEvent } from 'react';
import { t } from '../../i18n/index.js';
import type { FieldTaskRow } from './fieldTaskRow.js';
import { queueVisit } from './visitOutbox.js';
import type { VisitState } from '../outboxItem.js';

const OUTCOMES: VisitState[] = ['visited', 'eradicated', 'not_found', 'not_poppy'];

/** What the server will refuse, said before the visit is queued (the same rules as server/src/field/rules.ts). */
export function visitProblem(state: VisitState, count: string, note: string, photos: number): string | null {
  const n = count.trim() === '' ? null : Number(count);
  if (n != null && (!Number.isInteger(n) || n < 0)) return t('field.form.countInvalid');
  if (state === 'eradicated' && (n == null || n < 1)) return t('field.form.countRequired');
  if ((state === 'not_found' || state === 'not_poppy') && !note.trim()) return t('field.form.noteRequired');
  if (state !== 'visited' && photos === 0) return t('field.form.photoRequired');
  return null;
}

/** Record a visit: outcome, plants counted, species, note and photos. Queued on the phone, sent when possible. */
export function VisitForm({ task, baseVersion, onDone }: { task: FieldTaskRow; baseVersion: number; onDone: () => void }) {
  const [state, setState] = useState<VisitState>('eradicated');
  const [count, setCount] = useState('');
  const [species, setSpecies] = useState('');
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = visitProblem(state, count, note, photos.length);
    if (p) return setProblem(p);
    setSaving(true);
    await queueVisit(
      {
        siteId: task.siteId,
        state,
        plantsCounted: count.trim() === '' || (state !== 'eradicated' && state !== 'visited') ? null : Number(count),
        species: state === 'not_poppy' ? species : '',
        baseVersion,
        photos: photos.map((f) => ({ blob: f, name: f.name })),
      },
      note,
    );
    setSaving(false);
    onDone();
  }

  return (
    <form className="visit-form" onSubmit={submit} data-testid="visit-form">
      <fieldset>
        <legend>{t('field.form.outcome')}</legend>
        {OUTCOMES.map((o) => (
          <label key={o} className="radio">
            <input type="radio" name="state" value={o} checked={state === o} onChange={() => setState(o)} />
            {t(`field.state.${o}`)}
          </label>
        ))}
      </fieldset>
      {(state === 'eradicated' || state === 'visited') && (
        <label>
          {t('field.form.count')}
          <input type="number" inputMode="numeric" min={0} step={1} name="plantsCounted" value={count} onChange={(e) => setCount(e.target.value)} />
          <span className="hint">{t('field.form.countHint')}</span>
        </label>
      )}
      {state === 'not_poppy' && (
        <label>
          {t('field.form.species')}
          <input type="text" name="species" maxLength={200} value={species} placeholder={t('field.form.speciesPlaceholder')} onChange={(e) => setSpecies(e.target.value)} />
        </label>
      )}
      <label>
        {t('field.form.note')}
        <textarea name="note" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <label className="photo-button">
        {photos.length ? t('field.form.photosChosen', { n: photos.length }) : t('field.form.photos')}
        <input type="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple name="photos" data-testid="visit-photos" onChange={(e) => setPhotos(Array.from(e.target.files ?? []).slice(0, 8))} />
      </label>
      {problem && (
        <p className="form-error" role="alert" data-testid="visit-problem">
          {problem}
        </p>
      )}
      <div className="visit-actions">
        <button type="submit" className="primary" disabled={saving} data-testid="visit-save">
          {t('field.form.save')}
        </button>
        <button type="button" className="link" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
