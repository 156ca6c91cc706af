import { useEffect, useMemo, useReducer, useRef, useState, type DragEvent } from 'react';
import { getCsrfToken } from '../api/client.js';
import type { Id } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useLang } from '../i18n/useLang.js';
import { errorText } from '../i18n/errors.js';
import { filesFromDrop, UploadQueue, xhrTransport, type UploadItem } from './uploadQueue.js';

function Bar({ fraction, label }: { fraction: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}

function stateText(it: UploadItem): string {
  const base = t(`flights.upload.state.${it.state}`);
  const why = it.code ? errorText(it.code, it.message) : it.message;
  return why && (it.state === 'rejected' || it.state === 'failed' || it.state === 'uploading') ? `${base}: ${why}` : base;
}

/** Drop zone + file/folder pickers + per-file and overall progress, for one flight. */
export function UploadPanel({ flightId, onUploaded }: { flightId: Id; onUploaded: () => void }) {
  useLang();
  const queue = useMemo(
    () => new UploadQueue(`/api/flights/${encodeURIComponent(String(flightId))}/images`, xhrTransport(getCsrfToken)),
    [flightId],
  );
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [dragging, setDragging] = useState(false);
  const lastRender = useRef(0);
  const pendingFrame = useRef<number | null>(null);

  // Progress events come fast; repaint at most once per animation frame.
  useEffect(
    () =>
      queue.subscribe(() => {
        if (pendingFrame.current !== null) return;
        pendingFrame.current = requestAnimationFrame(() => {
          pendingFrame.current = null;
          lastRender.current = performance.now();
          rerender();
        });
      }),
    [queue],
  );

  const totals = queue.totals();
  const wasFinished = useRef(true);
  useEffect(() => {
    if (totals.finished && !wasFinished.current) onUploaded();
    wasFinished.current = totals.finished;
  });

  // Closing the tab would drop the remaining files: ask first.
  const uploading = !totals.finished;
  useEffect(() => {
    if (!uploading) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [uploading]);

  async function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const files = await filesFromDrop(e.dataTransfer);
    if (files.length) queue.add(files);
  }

  const c = totals.counts;
  return (
    <section className="upload" aria-labelledby="upload-title">
      <h3 id="upload-title">{t('flights.upload.title')}</h3>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>{t('flights.upload.drop')}</p>
        <div className="actions">
          <label className="button">
            {t('flights.upload.chooseFiles')}
            <input
              type="file"
              multiple
              accept="image/jpeg,image/tiff,image/png,.jpg,.jpeg,.tif,.tiff,.dng"
              data-testid="file-input"
              onChange={(e) => {
                queue.add([...(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
          </label>
          <label className="button">
            {t('flights.upload.chooseFolder')}
            <input
              type="file"
              multiple
              data-testid="folder-input"
              ref={(el) => {
                if (el) {
                  el.setAttribute('webkitdirectory', '');
                  el.setAttribute('directory', '');
                }
              }}
              onChange={(e) => {
                queue.add([...(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      </div>

      {queue.items.length > 0 && (
        <>
          <div className="upload-summary" data-testid="upload-summary">
            <Bar fraction={totals.fraction} label={t('flights.upload.overall')} />
            <p>
              {t('flights.upload.summary', {
                done: c.done,
                duplicate: c.duplicate,
                rejected: c.rejected,
                failed: c.failed,
                left: c.queued + c.uploading,
                total: queue.items.length,
              })}
            </p>
            {c.failed > 0 && (
              <button type="button" onClick={() => queue.retryFailed()}>
                {t('flights.upload.retryFailed', { n: c.failed })}
              </button>
            )}
          </div>
          <ul className="upload-list" data-testid="upload-list">
            {queue.items.map((it) => (
              <li key={it.key} className={`upload-item state-${it.state}`} data-state={it.state}>
                <span className="name" title={it.name}>
                  {it.name}
                </span>
                <Bar fraction={it.size ? it.loaded / it.size : it.state === 'queued' ? 0 : 1} label={it.name} />
                <span className="state">{stateText(it)}</span>
                {it.state === 'failed' && (
                  <button type="button" onClick={() => queue.retry(it.key)}>
                    {t('common.retry')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
