import crypto from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { JobEvent, JobEvents } from './events.js';

export interface PgEventsOptions {
  url: string;
  /** one channel per schema, so that installations (and tests) sharing a database do not hear each other */
  schema?: string;
  logger: Logger;
}

export interface PgEventsBridge {
  close(): Promise<void>;
}

const channelFor = (schema?: string) => `poppywatch_events${schema ? `_${schema}` : ''}`;

/**
 * Carries JobEvents between processes with PostgreSQL LISTEN/NOTIFY: a browser's SSE stream on any API server sees
 * the frames every worker processes, and idle workers everywhere wake up when frames are queued. One listening
 * connection per process, reconnected with back-off; notifications are best effort (a missed one costs a worker its
 * idle poll, an SSE client a refresh) — the queue itself is the database, never these messages.
 */
export async function bridgeJobEvents(events: JobEvents, o: PgEventsOptions): Promise<PgEventsBridge> {
  const channel = channelFor(o.schema);
  const origin = crypto.randomUUID();
  const sender = new pg.Pool({ connectionString: o.url, max: 1, application_name: 'poppywatch-events' });
  sender.on('error', () => undefined);
  let listener: pg.Client | null = null;
  let closed = false;
  let retryMs = 500;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: o.url, application_name: 'poppywatch-listen' });
    c.on('notification', (msg) => {
      if (msg.channel !== channel || !msg.payload) return;
      try {
        const m = JSON.parse(msg.payload) as { origin: string; event: JobEvent };
        if (m.origin !== origin) events.receive(m.event);
      } catch {
        o.logger.warn({ channel }, 'ignored a malformed event notification');
      }
    });
    c.on('error', (err) => {
      o.logger.warn({ err: err.message }, 'event listener connection lost; reconnecting');
      void c.end().catch(() => undefined);
      if (listener === c) listener = null;
      schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    listener = c;
    retryMs = 500;
  };
  const schedule = () => {
    if (closed) return;
    setTimeout(() => {
      if (closed || listener) return;
      connect().catch((err: Error) => {
        o.logger.warn({ err: err.message, retryMs }, 'event listener cannot connect yet');
        retryMs = Math.min(retryMs * 2, 30_000);
        schedule();
      });
    }, retryMs).unref();
  };

  await connect();
  events.relayTo((event) => {
    // pg_notify payloads are limited to 8000 bytes; an event is a few hundred
    const payload = JSON.stringify({ origin, event });
    sender.query('SELECT pg_notify($1, $2)', [channel, payload]).catch((err: Error) => o.logger.warn({ err: err.message }, 'could not send an event notification'));
  });
  return {
    async close() {
      closed = true;
      events.relayTo(null);
      await listener?.end().catch(() => undefined);
      await sender.end().catch(() => undefined);
    },
  };
}
