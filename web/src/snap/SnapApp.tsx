import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { t } from '../i18n/index.js';
import { AnswerView } from './AnswerView.js';
import { LocationPanel } from './LocationPanel.js';
import { discard, enqueue, flushQueue, newIdempotencyKey, sendSnap, settle, subscribe, type QueueState } from './queue.js';
import type { SentPosition, SnapAnswer } from './types.js';
import { formatTime } from '../review/format.js';
import { getLang } from '../i18n/index.js';

const RETRY_EVERY_MS = 20_000;

type Screen = { kind: 'compose'; message?: string } | { kind: 'sending' } | { kind: 'answer'; answer: SnapAnswer };

/** Compose → send → verdict, with the offline outbox underneath. */
export function SnapApp({ onNeedsLogin }: { onNeedsLogin: () => void }) {
  const [screen, setScreen] = useState<Screen>({ kind: 'compose' });
  const [photo, setPhoto] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [position, setPosition] = useState<SentPosition | null>(null);
  const [forceMap, setForceMap] = useState(false);
  const [queue, setQueue] = useState<QueueState>({ pending: [], failed: [], recent: [], needsLogin: false });
  const [online, setOnline] = useState(navigator.onLine);
  const fileInput = useRef<HTMLInputElement>(null);
  // The answer to a snap that waited in the outbox and went out in the background.
  const [sentLater, setSentLater] = useState<SnapAnswer | null>(null);
  const flush = useCallback(
    () =>
      flushQueue((_key, answer) => {
        setSentLater(answer);
        setScreen((s) => (s.kind === 'compose' && s.message === t('snap.queue.savedOffline') ? { kind: 'compose' } : s));
      }),
    [],
  );

  useEffect(() => subscribe(setQueue), []);
  useEffect(() => {
    if (queue.needsLogin) onNeedsLogin();
  }, [queue.needsLogin, onNeedsLogin]);

  // Send what waits: at start, when the network returns, and every so often while something is pending.
  useEffect(() => {
    const goOnline = () => {
      setOnline(true);
      void flush();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    void flush();
    return () => {
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
    };
  }, [flush]);
  const pendingCount = queue.pending.length;
  useEffect(() => {
    if (pendingCount === 0) return;
    const id = setInterval(() => void flush(), RETRY_EVERY_MS);
    return () => clearInterval(id);
  }, [pendingCount, flush]);

  useEffect(() => {
    if (!photo) return setPreview(null);
    const url = URL.createObjectURL(photo);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [photo]);

  const onPosition = useCallback((p: SentPosition | null) => setPosition(p), []);

  const reset = () => {
    setPhoto(null);
    setNote('');
    setForceMap(false);
    if (fileInput.current) fileInput.current.value = '';
    setScreen({ kind: 'compose' });
  };

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!photo) return setScreen({ kind: 'compose', message: t('snap.error.photoMissing') });
    setScreen({ kind: 'sending' });
    // Written to the phone first: if the network or the page goes away now, the snap is still there.
    const item = await enqueue({ key: newIdempotencyKey(), photo, fileName: photo.name, note, position });
    const result = await sendSnap(item);
    if (result.kind === 'sent') {
      await settle(item.key, result.answer);
      setPhoto(null);
      setNote('');
      if (fileInput.current) fileInput.current.value = '';
      setScreen({ kind: 'answer', answer: result.answer });
      return;
    }
    if (result.kind === 'rejected') {
      await discard(item.key);
      if (result.code === 'location_required') {
        setForceMap(true);
        return setScreen({ kind: 'compose', message: t('snap.location.needed') });
      }
      return setScreen({ kind: 'compose', message: refusal(result.code, result.message) });
    }
    if (result.kind === 'auth') onNeedsLogin();
    reset();
    setScreen({ kind: 'compose', message: t('snap.queue.savedOffline') });
  }

  return (
    <>
      <div className="snap-status-bar">
        <span className={online ? 'dot online' : 'dot offline'} data-testid="network">
          {online ? t('snap.queue.online') : t('snap.queue.offline')}
        </span>
        <span data-testid="pending-count" data-count={pendingCount}>
          {pendingCount > 0 ? t('snap.queue.pending', { n: pendingCount }) : t('snap.queue.none')}
        </span>
        {pendingCount > 0 && online && (
          <button type="button" className="link" onClick={() => void flush()}>
            {t('snap.queue.sendNow')}
          </button>
        )}
      </div>

      {sentLater && screen.kind !== 'answer' && (
        <p className={`notice sent-later verdict-${sentLater.verdict}`} role="status" data-testid="sent-later">
          <span className="badge">{t(`snap.verdict.${sentLater.verdict}`)}</span> {t('snap.queue.sentLater')}{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setScreen({ kind: 'answer', answer: sentLater });
              setSentLater(null);
            }}
          >
            {t('snap.recent.view')}
          </button>
        </p>
      )}

      {screen.kind === 'answer' ? (
        <AnswerView answer={screen.answer} onNew={reset} />
      ) : (
        <form className="snap-compose" onSubmit={send}>
          {screen.kind === 'compose' && screen.message && (
            <p className="notice" role="alert" data-testid="snap-message">
              {screen.message}
            </p>
          )}
          <label className="photo-button primary big">
            {photo ? t('snap.photo.retake') : t('snap.photo.take')}
            <input
              ref={fileInput}
              type="file"
              accept="image/*"
              capture="environment"
              name="photo"
              data-testid="photo-input"
              onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
            />
          </label>
          {preview ? (
            <figure className="preview">
              <img src={preview} alt={t('snap.photo.preview')} data-testid="photo-preview" />
              <figcaption>{photo && (photo.size >= 1024 * 1024 ? t('snap.photo.sizeMb', { mb: (photo.size / 1024 / 1024).toFixed(1) }) : t('snap.photo.sizeKb', { kb: Math.max(1, Math.round(photo.size / 1024)) }))}</figcaption>
            </figure>
          ) : (
            <p className="hint">{t('snap.photo.hint')}</p>
          )}
          <label className="note">
            {t('snap.note.label')}
            <textarea name="note" rows={2} maxLength={2000} value={note} placeholder={t('snap.note.placeholder')} onChange={(e) => setNote(e.target.value)} />
          </label>
          <LocationPanel onChange={onPosition} forceMap={forceMap} />
          <button type="submit" className="primary big send" disabled={!photo || screen.kind === 'sending'} data-testid="send">
            {screen.kind === 'sending' ? t('snap.sending') : t('snap.send')}
          </button>
        </form>
      )}

      {queue.failed.length > 0 && (
        <section className="snap-failed">
          {queue.failed.map((f) => (
            <p key={f.key} className="notice">
              {t('snap.queue.failed', { message: f.error?.message ?? '' })}{' '}
              <button type="button" className="link" onClick={() => void discard(f.key)}>
                {t('snap.queue.discard')}
              </button>
            </p>
          ))}
        </section>
      )}

      {queue.recent.length > 0 && screen.kind !== 'answer' && (
        <section className="snap-recent" aria-labelledby="snap-recent-title">
          <h2 id="snap-recent-title">{t('snap.recent.title')}</h2>
          <ul data-testid="recent">
            {queue.recent.slice(0, 5).map((r) => (
              <li key={r.key} className={`verdict-${r.answer.verdict}`}>
                <span className="badge">{t(`snap.verdict.${r.answer.verdict}`)}</span>
                <span className="when">{formatTime(r.answer.createdAt, getLang())}</span>
                <button type="button" className="link" onClick={() => setScreen({ kind: 'answer', answer: r.answer })}>
                  {t('snap.recent.view')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** The server's refusal in the officer's language where we know the case; its own sentence otherwise. */
function refusal(code: string, message: string): string {
  switch (code) {
    case 'heic_not_supported':
      return t('snap.error.heic');
    case 'unsupported_photo_type':
      return t('snap.error.unsupported');
    case 'unreadable_photo':
      return t('snap.error.unreadable');
    case 'photo_too_large':
      return t('snap.error.tooLarge', { message });
    default:
      return t('snap.error.server', { message });
  }
}
