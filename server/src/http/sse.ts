import type { Response } from 'express';

/** Open Server-Sent Event streams, so shutdown can end them instead of waiting for clients. */
export class SseHub {
  private open = new Set<Response>();

  add(res: Response): () => void {
    this.open.add(res);
    return () => this.open.delete(res);
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const res of this.open) {
      try {
        res.write('event: shutdown\ndata: {}\n\n');
        res.end();
      } catch {
        // the client is already gone
      }
    }
    this.open.clear();
  }
}

export function sseHeaders(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}

export function sseSend(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
