import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';

/**
 * Limits that belong to the listening server rather than to a route: a cap on open connections per client
 * address (one client cannot hold every socket), and the header deadline. Node's whole-request timeout stays off:
 * http/requestTimeouts.ts applies one per route (uploads get an idle limit instead).
 */
export function applyServerLimits(server: Server, config: Pick<Config, 'maxConnectionsPerIp' | 'requestTimeoutMs'>): void {
  server.requestTimeout = 0;
  server.headersTimeout = Math.min(60_000, config.requestTimeoutMs);
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const n = (open.get(address) ?? 0) + 1;
    if (n > config.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
