// The header and rows of each report table, shared by the markdown and html renderers so both
// show the same columns and figures. A renderer supplies only how a cell is written: a cited
// figure (footnote or link), quoted text (code span), plain text and state words. Rows are built
// top to bottom, left to right, so citations are made in reading order (markdown numbers its
// footnotes in that order).

import type { Cited } from './evidence.js';
import { fmtBytes, fmtLatency, fmtMs, fmtNumber, fmtSignedPercent } from './format.js';
import type {
  BackupView,
  ClaimStatus,
  ClaimView,
  GateMetricView,
  GateView,
  HealthCheckView,
  HealthTransitionView,
  LoadView,
  MigrationFailureView,
  MigrationView,
  NotificationView,
  ReadinessRow,
  ReportSummary,
  RollbackView,
  TrafficPoint,
} from './report-model.js';

export interface CellFormat {
  /** A figure with its citation; '—' when there is no figure. */
  cite<T>(c: Cited<T> | null, fmt?: (v: T) => string): string;
  /** Text quoted from events (names, versions, reasons). */
  code(text: string): string;
  /** Plain text of the report's own (kinds, causes, explanations). */
  text(s: string): string;
  /** A readiness state word. */
  state(state: string): string;
  /** A claim's status word. */
  claimStatus(status: ClaimStatus): string;
}

export interface Section {
  head: string[];
  rows: string[][];
}

/** Summary rows from the run id on; the app, version and environment are in both titles. */
export function summaryRows(s: ReportSummary, f: CellFormat): string[][] {
  return [
    ['Run', f.code(s.runId)],
    ['Result', f.cite(s.result)],
    ['Started', f.cite(s.startedAt)],
    ['Finished', f.cite(s.finishedAt)],
    ['Duration', f.cite(s.durationMs, fmtMs)],
    ['Triggered by', f.cite(s.triggeredBy, f.code)],
    [
      'Approved by',
      s.approvedBy.length
        ? s.approvedBy.map((a) => f.cite(a, f.code)).join(', ')
        : 'nobody (no approval recorded)',
    ],
    ['Reason', f.cite(s.reason, f.code)],
  ];
}

export function readiness(rows: readonly ReadinessRow[], f: CellFormat): Section {
  return {
    head: ['Kind', 'Name', 'State', 'Evidence (events)'],
    rows: rows.map((x) => [
      f.text(x.kind),
      f.code(x.name),
      f.cite(x.state, (v) => f.state(v)),
      x.evidence === null ? 'none' : f.cite(x.evidence),
    ]),
  };
}

export interface MeasurementOptions {
  /** The first cell of a metric's rows. */
  metricCell(m: GateMetricView): string;
  /** Whether a metric's rows show the statistical judge figures; '—' in those columns otherwise. */
  judgeFigures(m: GateMetricView): boolean;
}

export function measurements(g: GateView, f: CellFormat, o: MeasurementOptions): Section {
  return {
    head: [
      'Metric',
      'Measurement',
      'Time',
      'Value',
      'Samples',
      'Verdict',
      'Canary median',
      'Stable median',
      'p-value',
      'Effect',
    ],
    rows: g.metrics.flatMap((m) =>
      m.measurements.map((x) => [
        o.metricCell(m),
        f.cite(x.index),
        f.cite(x.time),
        f.cite(x.value, fmtNumber),
        f.cite(x.sampleCount),
        f.cite(x.verdict),
        ...(o.judgeFigures(m)
          ? [
              f.cite(x.canaryMedian, fmtNumber),
              f.cite(x.stableMedian, fmtNumber),
              f.cite(x.pValue, fmtNumber),
              f.cite(x.relativeEffect, fmtSignedPercent),
            ]
          : ['—', '—', '—', '—']),
      ]),
    ),
  };
}

export function traffic(points: readonly TrafficPoint[], f: CellFormat): Section {
  return {
    head: ['Time', 'Weights', 'Cause'],
    rows: points.map((p) => [
      f.cite(p.time),
      Object.entries(p.weights)
        .map(([v, w]) => `${f.code(v)} ${f.cite(w, (n) => `${n}%`)}`)
        .join(', '),
      f.text(p.cause),
    ]),
  };
}

export function load(load: readonly LoadView[], f: CellFormat): Section {
  return {
    head: ['Time', 'URL', 'Requests', 'Errors', 'p50', 'p95', 'p99'],
    rows: load.map((l) => [
      f.cite(l.time),
      f.code(l.url),
      f.cite(l.requests),
      f.cite(l.errors),
      f.cite(l.p50, fmtLatency),
      f.cite(l.p95, fmtLatency),
      f.cite(l.p99, fmtLatency),
    ]),
  };
}

export function rollback(rb: RollbackView, f: CellFormat): Section {
  return {
    head: ['Field', 'Value'],
    rows: [
      ['Cause', f.cite(rb.cause, f.code)],
      ['Restored to', f.cite(rb.restoredTo, f.code)],
      ['Time to restore', f.cite(rb.timeToRestoreMs, fmtMs)],
      [
        'Rollback hooks',
        rb.hooks ? `${f.cite(rb.hooks.count)} ran, ${f.cite(rb.hooks.failed)} failed` : 'none ran',
      ],
    ],
  };
}

export function healthChecks(checks: readonly HealthCheckView[], f: CellFormat): Section {
  return {
    head: ['Time', 'Check', 'OK', 'Detail'],
    rows: checks.map((x) => [f.cite(x.time), f.code(x.check), f.cite(x.ok), f.code(x.detail)]),
  };
}

export function healthTransitions(transitions: readonly HealthTransitionView[], f: CellFormat): Section {
  return {
    head: ['Time', 'Release', 'Instance', 'Healthy', 'Detail'],
    rows: transitions.map((x) => [
      f.cite(x.time),
      f.code(x.version),
      f.code(x.instance),
      f.cite(x.healthy),
      f.code(x.detail),
    ]),
  };
}

export function migrations(applied: readonly MigrationView[], f: CellFormat): Section {
  return {
    head: ['Version', 'File', 'Checksum', 'Duration', 'Statements', 'Verified'],
    rows: applied.map((m) => [
      f.cite(m.version),
      f.code(m.file),
      f.cite(m.checksum, f.code),
      f.cite(m.durationMs, fmtMs),
      f.cite(m.statements),
      f.cite(m.verified),
    ]),
  };
}

/** `fileHeader` names the first column: the html report has no "Backups" heading above it. */
export function backups(backups: readonly BackupView[], f: CellFormat, fileHeader: string): Section {
  return {
    head: [fileHeader, 'Size', 'SHA-256', 'Entries listed by pg_restore', 'Verified'],
    rows: backups.map((b) => [
      b.skipped ? 'skipped' : f.code(b.file),
      f.cite(b.sizeBytes, fmtBytes),
      f.cite(b.sha256, f.code),
      f.cite(b.tocEntries),
      f.cite(b.verified),
    ]),
  };
}

export function migrationFailures(failures: readonly MigrationFailureView[], f: CellFormat): Section {
  return {
    head: ['Version', 'Error'],
    rows: failures.map((x) => [f.cite(x.version), f.cite(x.error, f.code)]),
  };
}

export function notifications(notifications: readonly NotificationView[], f: CellFormat): Section {
  return {
    head: ['Time', 'Event', 'Target', 'Delivered', 'HTTP status'],
    rows: notifications.map((n) => [
      f.cite(n.time),
      f.code(n.event),
      f.cite(n.target, (t) => `#${t}`),
      f.cite(n.ok),
      f.cite(n.status),
    ]),
  };
}

export function claims(claims: readonly ClaimView[], f: CellFormat): Section {
  return {
    head: ['Claim', 'Status', 'Figure', 'Required', 'How it was judged'],
    rows: claims.map((x) => {
      const unit =
        x.unit === 'ms' ? fmtLatency : (n: number) => `${fmtNumber(n)}${x.unit === '%' ? '%' : ''}`;
      return [
        f.code(x.text),
        f.claimStatus(x.status),
        f.cite(x.figure, unit),
        x.threshold ? `${f.text(x.threshold.op)} ${f.cite(x.threshold.value, unit)}` : '—',
        f.text(x.explanation),
      ];
    }),
  };
}
