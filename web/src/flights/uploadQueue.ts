// Uploads frames one file per request (XHR, for upload progress), a few at a time, retrying network and server
// errors. The server reports duplicates and refused files per file; both are shown with their reason.
import type { Id, UploadAnswer } from '../api/types.js';

export type UploadState = 'queued' | 'uploading' | 'done' | 'duplicate' | 'rejected' | 'failed';

export interface UploadItem {
  key: string;
  file: File;
  name: string;
  size: number;
  loaded: number;
  state: UploadState;
  attempts: number;
  message: string | null;
  /** the server's code for why the file was refused (translated by the page) */
  code?: string | null;
  imageId: Id | null;
}

export interface Transport {
  /** Sends one file; resolves with status and parsed body, rejects on a network failure. */
  send(url: string, file: File, name: string, onProgress: (loaded: number) => void): Promise<{ status: number; body: unknown }>;
}

export interface UploadOptions {
  concurrency?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  csrfToken?: () => string | null;
}

export function xhrTransport(csrfToken: () => string | null): Transport {
  return {
    send(url, file, name, onProgress) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', url);
        xhr.withCredentials = true;
        const token = csrfToken();
        if (token) xhr.setRequestHeader('X-CSRF-Token', token);
        xhr.upload.onprogress = (e) => onProgress(e.loaded);
        xhr.onload = () => {
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = xhr.responseText;
          }
          resolve({ status: xhr.status, body });
        };
        xhr.onerror = () => reject(new Error('network'));
        xhr.ontimeout = () => reject(new Error('timeout'));
        const form = new FormData();
        form.append('images', file, name);
        xhr.send(form);
      });
    },
  };
}

/** The path inside a dropped folder, if any, else the file name. */
export function fileLabel(file: File): string {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  return rel || file.name;
}

export class UploadQueue {
  items: UploadItem[] = [];
  private active = 0;
  private listeners = new Set<() => void>();
  private opts: Required<Omit<UploadOptions, 'csrfToken'>>;
  private seq = 0;

  constructor(
    private url: string,
    private transport: Transport,
    opts: UploadOptions = {},
  ) {
    this.opts = { concurrency: opts.concurrency ?? 3, maxAttempts: opts.maxAttempts ?? 3, retryDelayMs: opts.retryDelayMs ?? 800 };
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed() {
    this.items = this.items.slice();
    this.listeners.forEach((fn) => fn());
  }

  add(files: File[]): void {
    for (const file of files) {
      this.items.push({
        key: `${++this.seq}:${fileLabel(file)}`,
        file,
        name: fileLabel(file),
        size: file.size,
        loaded: 0,
        state: 'queued',
        attempts: 0,
        message: null,
        imageId: null,
      });
    }
    this.changed();
    this.pump();
  }

  retryFailed(): void {
    for (const it of this.items) if (it.state === 'failed') this.requeue(it);
    this.changed();
    this.pump();
  }

  retry(key: string): void {
    const it = this.items.find((i) => i.key === key);
    if (!it || it.state !== 'failed') return;
    this.requeue(it);
    this.changed();
    this.pump();
  }

  private requeue(it: UploadItem) {
    it.state = 'queued';
    it.attempts = 0;
    it.loaded = 0;
    it.message = null;
  }

  totals() {
    let size = 0;
    let loaded = 0;
    const counts: Record<UploadState, number> = { queued: 0, uploading: 0, done: 0, duplicate: 0, rejected: 0, failed: 0 };
    for (const it of this.items) {
      size += it.size;
      loaded += it.state === 'queued' ? 0 : it.state === 'uploading' ? it.loaded : it.size;
      counts[it.state]++;
    }
    return { size, loaded, fraction: size ? loaded / size : 0, counts, finished: counts.queued + counts.uploading === 0 };
  }

  private pump(): void {
    while (this.active < this.opts.concurrency) {
      const next = this.items.find((i) => i.state === 'queued');
      if (!next) return;
      this.active++;
      next.state = 'uploading';
      void this.upload(next).finally(() => {
        this.active--;
        this.changed();
        this.pump();
      });
    }
  }

  private async upload(it: UploadItem): Promise<void> {
    for (;;) {
      it.attempts++;
      it.loaded = 0;
      this.changed();
      try {
        const { status, body } = await this.transport.send(this.url, it.file, it.name, (loaded) => {
          it.loaded = Math.min(loaded, it.size);
          this.changed();
        });
        if (status >= 200 && status < 300) return this.settle(it, body as UploadAnswer);
        const err = (body ?? {}) as { error?: string; message?: string; rejected?: { error?: string; code?: string }[] };
        if (status < 500 && status !== 408 && status !== 429) {
          it.state = 'rejected';
          it.message = err.rejected?.[0]?.error ?? err.message ?? err.error ?? `HTTP ${status}`;
          it.code = err.rejected?.[0]?.code ?? err.error ?? null;
          return;
        }
        it.message = err.message ?? `HTTP ${status}`;
      } catch (e) {
        it.message = e instanceof Error ? e.message : String(e);
      }
      if (it.attempts >= this.opts.maxAttempts) {
        it.state = 'failed';
        return;
      }
      await new Promise((r) => setTimeout(r, this.opts.retryDelayMs * it.attempts));
    }
  }

  private settle(it: UploadItem, answer: UploadAnswer) {
    const accepted = answer?.accepted?.[0];
    const rejected = answer?.rejected?.[0];
    it.loaded = it.size;
    if (accepted) {
      it.imageId = accepted.id;
      it.state = accepted.duplicate ? 'duplicate' : 'done';
      it.message = null;
    } else {
      it.state = 'rejected';
      it.message = rejected ? (rejected.message ?? rejected.error) : 'no answer for this file';
      it.code = rejected?.code ?? null;
    }
  }
}

/** Walks dropped folders (DataTransferItem.webkitGetAsEntry) and returns every file inside. */
export async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items]
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (!entries.length) return [...dt.files];
  const out: File[] = [];
  async function walk(entry: FileSystemEntry, path: string): Promise<void> {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      const rel = path ? `${path}/${file.name}` : '';
      if (rel) Object.defineProperty(file, 'webkitRelativePath', { value: rel });
      out.push(file);
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const child of batch) await walk(child, path ? `${path}/${entry.name}` : entry.name);
      }
    }
  }
  for (const e of entries) await walk(e, '');
  return out;
}
