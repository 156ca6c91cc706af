import { useEffect, useState } from 'react';
import type { Flight, FlightProgress, Id } from '../api/types.js';

/** Live processing progress of one flight over Server-Sent Events (EventSource reconnects by itself). */
export function useFlightProgress(flight: Flight | null): { progress: FlightProgress | null; live: boolean } {
  const [progress, setProgress] = useState<FlightProgress | null>(null);
  const [live, setLive] = useState(false);
  const id: Id | undefined = flight?.id;

  useEffect(() => {
    setProgress(null);
    setLive(false);
    if (id === undefined || typeof EventSource === 'undefined') return;
    const es = new EventSource(`/api/flights/${encodeURIComponent(String(id))}/events`, { withCredentials: true });
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    es.addEventListener('progress', (e) => {
      try {
        setProgress(JSON.parse((e as MessageEvent<string>).data) as FlightProgress);
        setLive(true);
      } catch {
        /* a malformed event is skipped; the next one carries the full state */
      }
    });
    return () => es.close();
  }, [id]);

  return { progress, live };
}
