// Inline SVG line charts for the HTML report: series over time, optionally drawn as steps (traffic
// weights) and with a horizontal threshold line. No scripts, no external fonts: prints as drawn.

export interface ChartSeries {
  name: string;
  points: Array<{ t: number; v: number }>;
}

export interface ChartOptions {
  title: string;
  yLabel: string;
  series: ChartSeries[];
  step?: boolean;
  threshold?: { value: number; label: string };
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function tick(v: number): string {
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 220;
  const pad = { left: 56, right: 16, top: 28, bottom: 40 };
  const all = o.series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(t0 + 1, ...all.map((p) => p.t));
  const values = all.map((p) => p.v).concat(o.threshold ? [o.threshold.value] : []);
  const yMin = o.yMin ?? Math.min(0, ...values);
  const yMaxRaw = o.yMax ?? Math.max(...values);
  const yMax = yMaxRaw === yMin ? yMin + 1 : yMaxRaw * (o.yMax === undefined ? 1.1 : 1);
  const x = (t: number) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) =>
    height - pad.bottom - ((v - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="chart">`,
    `<title>${escapeXml(o.title)}</title>`,
    `<text x="${pad.left}" y="16" class="chart-title">${escapeXml(o.title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" class="axis"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" class="axis"/>`,
  );
  for (const v of [yMin, (yMin + yMax) / 2, yMax]) {
    parts.push(`<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end" class="tick">${tick(v)}</text>`);
  }
  parts.push(
    `<text x="${pad.left}" y="${height - pad.bottom + 16}" class="tick">+0s</text>`,
    `<text x="${width - pad.right}" y="${height - pad.bottom + 16}" text-anchor="end" class="tick">+${tick((t1 - t0) / 1000)}s</text>`,
    `<text x="12" y="${pad.top + (height - pad.top - pad.bottom) / 2}" transform="rotate(-90 12 ${pad.top + (height - pad.top - pad.bottom) / 2})" text-anchor="middle" class="tick">${escapeXml(o.yLabel)}</text>`,
  );
  if (o.threshold) {
    const ty = y(o.threshold.value);
    parts.push(
      `<line x1="${pad.left}" y1="${ty}" x2="${width - pad.right}" y2="${ty}" class="threshold"/>`,
      `<text x="${width - pad.right}" y="${ty - 4}" text-anchor="end" class="tick">${escapeXml(o.threshold.label)}</text>`,
    );
  }
  o.series.forEach((s, i) => {
    const color = palette[i % palette.length] as string;
    const pts = [...s.points].sort((a, b) => a.t - b.t);
    const coords: string[] = [];
    pts.forEach((p, j) => {
      if (o.step && j > 0)
        coords.push(`${x(p.t).toFixed(1)},${y((pts[j - 1] as { v: number }).v).toFixed(1)}`);
      coords.push(`${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
    });
    if (o.step && pts.length > 0)
      coords.push(`${x(t1).toFixed(1)},${y((pts[pts.length - 1] as { v: number }).v).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"/>`);
    for (const p of pts)
      parts.push(`<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2.5" fill="${color}"/>`);
    parts.push(
      `<rect x="${pad.left + 8 + i * 150}" y="${height - 14}" width="10" height="10" fill="${color}"/>`,
      `<text x="${pad.left + 22 + i * 150}" y="${height - 5}" class="tick">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
