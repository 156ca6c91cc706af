/** One bar per series and category, in plain SVG (no chart library): axis with round ticks, legend, values on hover. */
export interface Series {
  name: string;
  color: string;
  values: number[];
}

/** 1, 2, 5 × 10ⁿ steps so that about five gridlines cover the largest value. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString() : String(Number(v.toFixed(2))));

export function BarChart({ title, categories, series, height = 220 }: { title: string; categories: string[]; series: Series[]; height?: number }) {
  const left = 48;
  const bottom = 38;
  const top = 10;
  const slot = Math.max(28, Math.min(90, 520 / Math.max(1, categories.length)));
  const width = left + 12 + slot * Math.max(1, categories.length);
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = niceTicks(max);
  const yMax = ticks[ticks.length - 1] || 1;
  const plotH = height - top - bottom;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const barW = (slot * 0.8) / Math.max(1, series.length);
  // Labels need about 64 px: with narrow slots only every n-th category is named (the bars keep their tooltips).
  const labelEvery = Math.ceil(64 / slot);
  return (
    <figure className="chart" data-testid="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} /> {s.name}
          </span>
        ))}
      </div>
      <div className="chart-scroll">
        <svg width={width} height={height} role="img" aria-label={title}>
          {ticks.map((tk) => (
            <g key={tk}>
              <line x1={left} x2={width - 4} y1={y(tk)} y2={y(tk)} stroke="#e3e6eb" />
              <text x={left - 6} y={y(tk) + 4} textAnchor="end" fontSize="11" fill="#5c6270">
                {fmt(tk)}
              </text>
            </g>
          ))}
          <line x1={left} x2={left} y1={top} y2={top + plotH} stroke="#8a909c" />
          {categories.map((c, i) => {
            const x0 = left + 6 + i * slot + slot * 0.1;
            return (
              <g key={c}>
                {series.map((s, k) => {
                  const v = s.values[i] ?? 0;
                  return (
                    <rect key={s.name} x={x0 + k * barW} y={y(v)} width={Math.max(1, barW - 1)} height={Math.max(0, top + plotH - y(v))} fill={s.color} data-value={v}>
                      <title>{`${c} · ${s.name}: ${fmt(v)}`}</title>
                    </rect>
                  );
                })}
                {i % labelEvery === 0 && (
                  <text x={x0 + (slot * 0.8) / 2} y={height - bottom + 14} textAnchor="middle" fontSize="10.5" fill="#14213d">
                    {c.length > 14 ? `${c.slice(0, 13)}…` : c}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
