/** One bar. */
export type Bar = { label: string; value: number; note?: string };

/**
 * Horizontal bars in SVG, drawn by React: labels are text nodes, so nothing
 * from the data can become markup. Scaled to the largest value (or `max`).
 */
export function BarChart({ bars, max, testId, label }: { bars: Bar[]; max?: number; testId?: string; label?: string }) {
  const top = Math.max(max ?? 0, ...bars.map((b) => b.value), 1);
  const row = 26;
  const labelWidth = 170;
  const width = 640;
  const barSpace = width - labelWidth - 90;
  if (bars.length === 0) return <p className="muted">Nothing to show.</p>;
  return (
    <svg
      className="bar-chart"
      data-testid={testId}
      role="img"
      aria-label={label ?? bars.map((b) => `${b.label}: ${b.note ?? b.value}`).join(", ")}
      viewBox={`0 0 ${width} ${bars.length * row}`}
      width="100%"
      height={bars.length * row}
      preserveAspectRatio="xMinYMin meet"
    >
      {bars.map((b, i) => {
        const w = Math.round((b.value / top) * barSpace);
        const y = i * row;
        return (
          <g key={`${b.label}-${i}`} data-testid="bar" data-label={b.label} data-value={b.value}>
            <text x={0} y={y + 17} className="bar-label">
              {b.label}
            </text>
            <rect x={labelWidth} y={y + 5} width={Math.max(w, b.value > 0 ? 2 : 0)} height={16} rx={3} className="bar" />
            <text x={labelWidth + w + 6} y={y + 17} className="bar-value">
              {b.note ?? String(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
