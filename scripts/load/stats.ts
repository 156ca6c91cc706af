export interface EndpointStats {
  endpoint: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  max: number;
}

/** nearest-rank percentile of sorted values */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Latencies and errors per endpoint label. */
export class LatencyBook {
  private samples = new Map<string, number[]>();
  private errors = new Map<string, number>();
  private firsts: string[] = [];

  record(endpoint: string, ms: number, error: string | null): void {
    if (!this.samples.has(endpoint)) this.samples.set(endpoint, []);
    this.samples.get(endpoint)!.push(ms);
    if (error) {
      this.errors.set(endpoint, (this.errors.get(endpoint) ?? 0) + 1);
      if (this.firsts.length < 5) this.firsts.push(`${endpoint}: ${error}`);
    }
  }

  reset(): void {
    this.samples.clear();
    this.errors.clear();
    this.firsts = [];
  }

  firstErrors(): string[] {
    return this.firsts;
  }

  summary(): EndpointStats[] {
    return [...this.samples.entries()].map(([endpoint, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return {
        endpoint,
        count: sorted.length,
        errors: this.errors.get(endpoint) ?? 0,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        max: sorted[sorted.length - 1],
      };
    });
  }

  static format(rows: EndpointStats[]): string {
    const head = `${'endpoint'.padEnd(32)} ${'n'.padStart(5)} ${'err'.padStart(4)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
    const lines = rows.map(
      (r) =>
        `${r.endpoint.padEnd(32)} ${String(r.count).padStart(5)} ${String(r.errors).padStart(4)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`,
    );
    return [head, ...lines].join('\n');
  }
}
