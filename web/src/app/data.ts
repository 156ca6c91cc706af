import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.js';
import type { AppConfig, Flight } from '../api/types.js';

export function useConfig(): AppConfig | null {
  const [config, setConfig] = useState<AppConfig | null>(null);
  useEffect(() => {
    api<AppConfig>('/api/config')
      .then(setConfig)
      .catch(() => setConfig({ basemap: { url: null, gcj02: false }, model: { name: '', version: '', labels: [] } }));
  }, []);
  return config;
}

export function useFlights(): { flights: Flight[]; reload: () => Promise<void>; error: string | null } {
  const [flights, setFlights] = useState<Flight[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const answer = await api<{ flights: Flight[] }>('/api/flights');
      setFlights(answer.flights);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { flights, reload, error };
}
