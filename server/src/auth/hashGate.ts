/**
 * Caps the password hashes (scrypt: ~32 MiB and ~80 ms of a libuv pool thread each) running at once. The libuv
 * pool also serves file reads, so a login flood without a cap makes image requests wait seconds. Past the cap a
 * few wait in a short queue; past that the caller gets HashGateBusy at once and answers 503 with Retry-After.
 */
export class HashGateBusy extends Error {
  constructor() {
    super('too many password checks at once');
  }
}

export function createHashGate(maxRunning: number, maxWaiting = maxRunning * 8) {
  let running = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];

  // a finished hash hands its slot straight to the next waiter, so no newcomer can slip in between
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return {
    /** Runs `fn` when a slot is free; throws HashGateBusy at once when the queue is full too. */
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (running >= maxRunning) {
        if (waiting.length >= maxWaiting) throw new HashGateBusy();
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      peak = Math.max(peak, running);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length, peak, maxRunning, maxWaiting }),
  };
}
export type HashGate = ReturnType<typeof createHashGate>;
