import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planFacts } from '../../src/cli/commands/report.js';
import { buildReport } from '../../src/report/build-report.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { EventRecord, RunRecord } from '../../src/store/store.js';
import { uncitedJsonNumbers, uncitedMarkdownFigures } from './citation-check.js';

const fixtureDir = new URL('./fixtures/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('canary-rollback.json', fixtureDir), 'utf8')) as {
  run: RunRecord;
  events: EventRecord[];
};

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it instead (never automatically). */
function golden(name: string, actual: string): void {
  const url = new URL(name, fixtureDir);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  expect(actual).toBe(readFileSync(url, 'utf8'));
}

function report() {
  const facts = planFacts(fixture.run);
  return buildReport({
    run: fixture.run,
    events: fixture.events,
    phases: facts.phases,
    claims: facts.claims,
  });
}

describe('report of a recorded canary run that rolled back', () => {
  it('reads phases and claims from the plan text recorded with the run', () => {
    const facts = planFacts(fixture.run);
    expect(facts.warning).toBeUndefined();
    expect(facts.phases).toEqual(['preflight', 'migrate', 'rollout', 'smoke']);
    expect(facts.claims).toHaveLength(8);
  });

  it('matches the golden markdown and json', () => {
    const r = report();
    golden('canary-rollback.report.md', renderMarkdown(r));
    golden('canary-rollback.report.json', renderJson(r));
  });

  it('is a pure function of the events: same input, same report, whatever the event order', () => {
    const a = renderJson(report());
    const facts = planFacts(fixture.run);
    const shuffled = [...fixture.events].reverse();
    const b = renderJson(
      buildReport({ run: fixture.run, events: shuffled, phases: facts.phases, claims: facts.claims }),
    );
    expect(b).toBe(a);
  });

  it('cites events for every number in the json', () => {
    const json = JSON.parse(renderJson(report())) as unknown;
    expect(uncitedJsonNumbers(json)).toEqual([]);
  });

  it('cites a footnote for every figure in the markdown, and every footnote names real events', () => {
    const md = renderMarkdown(report());
    expect(uncitedMarkdownFigures(md)).toEqual([]);
    const ids = new Set(fixture.events.map((e) => e.id));
    const defs = md.split('\n').filter((l) => /^\[\^\d+\]:/.test(l));
    expect(defs.length).toBeGreaterThan(10);
    for (const d of defs) {
      for (const m of d.matchAll(/event #(\d+)/g)) expect(ids.has(Number(m[1]))).toBe(true);
    }
    // every marker used has a definition
    for (const m of md.matchAll(/\[\^(\d+)\](?!:)/g)) expect(md).toContain(`[^${m[1]}]:`);
  });

  it('the citation checkers catch an uncited figure', () => {
    expect(uncitedMarkdownFigures('| Duration | 2m45s |')).toEqual(['line 1: 2m45s']);
    expect(uncitedMarkdownFigures('| Duration | 2m45s[^3] | `1.4.2` |')).toEqual([]);
    expect(uncitedJsonNumbers({ a: { value: 3, eventIds: [] }, b: 4 })).toEqual(['$.a.value', '$.b']);
  });

  it('judges claims verified, failed or UNVERIFIED as the evidence says', () => {
    const byText = Object.fromEntries(report().claims.map((c) => [c.text, c]));
    expect(byText['p95 < 200ms']).toMatchObject({
      status: 'verified',
      figure: { value: 142.3, eventIds: [1052] },
    });
    expect(byText['p99 under 1s']).toMatchObject({ status: 'verified', figure: { value: 480.1 } });
    // the canary measured 8.1% errors before the rollback: the claim is disproved, not averaged away
    expect(byText['error rate < 1%']).toMatchObject({
      status: 'failed',
      figure: { value: 8.1, eventIds: [1043] },
    });
    expect(byText['zero failed requests during rollout']).toMatchObject({
      status: 'failed',
      figure: { value: 96 },
    });
    expect(byText['99.9% uptime']).toMatchObject({ status: 'failed', figure: { value: 99.2 } });
    expect(byText['rollback within 30s']).toMatchObject({ status: 'verified', figure: { value: 885 } });
    expect(byText['p90 < 300ms']).toMatchObject({ status: 'UNVERIFIED', figure: null });
    expect(byText['zero vulnerabilities']).toMatchObject({ status: 'UNVERIFIED', figure: null });
    for (const c of Object.values(byText)) expect(['verified', 'failed', 'UNVERIFIED']).toContain(c.status);
  });

  it('says NO-GO and names the broken rules', () => {
    const d = report().decision;
    expect(d.decision).toBe('NO-GO');
    const state = Object.fromEntries(d.rules.map((r) => [r.id, r.state]));
    expect(state).toEqual({
      'run-succeeded': 'broken',
      'gates-passed': 'broken',
      'no-rollback': 'broken',
      'checks-passed': 'holds',
      'migrations-safe': 'holds',
      'claims-verified': 'broken',
    });
  });

  it('shows the rollback cause, restore target and time from the gate verdict to traffic back', () => {
    const r = report();
    expect(r.rollback?.cause.value).toContain('error_rate 0.081 > 0.01');
    expect(r.rollback?.restoredTo?.value).toBe('2.0.0');
    expect(r.rollback?.timeToRestoreMs).toEqual({ value: 885, eventIds: [1046, 1049] });
    expect(
      r.traffic.map((p) => Object.fromEntries(Object.entries(p.weights).map(([v, w]) => [v, w.value]))),
    ).toEqual([
      { '3.0.0': 10, '2.0.0': 90 },
      { '3.0.0': 50, '2.0.0': 50 },
      { '2.0.0': 100, '3.0.0': 0 },
    ]);
  });

  it('lists every phase in the readiness matrix, with the one never reached as not run', () => {
    const rows = report().readiness.map((r) => [r.kind, r.name, r.state.value]);
    expect(rows).toEqual([
      ['phase', 'preflight', 'passed'],
      ['phase', 'migrate', 'passed'],
      ['phase', 'rollout', 'failed'],
      ['phase', 'smoke', 'not run'],
      ['gate', 'gate slo (canary step 2)', 'passed'],
      ['gate', 'gate slo (canary step 4)', 'failed'],
    ]);
  });

  it('renders one self-contained html file with svg charts and no network references', () => {
    const html = renderHtml(report());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*stylesheet|@import/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4); // 3 metrics + traffic
    expect(html).toContain('canary vs stable');
    expect(html).toContain('@media print');
    expect(html).toContain('id="ev-1043"');
    expect(html).toContain('UNVERIFIED');
  });

  it('never shows a webhook url or secret from the events', () => {
    const all = renderMarkdown(report()) + renderJson(report()) + renderHtml(report());
    expect(all).not.toContain('SLACK_URL');
    expect(all).not.toContain('hooks.slack.com');
  });
});

describe('report of a run without evidence for its claims', () => {
  it('shows claims UNVERIFIED and decides NO-GO even though the run succeeded', () => {
    const run = { ...fixture.run, status: 'succeeded' as const };
    const events = fixture.events.filter((e) => ['run.created', 'run.started'].includes(e.kind));
    events.push({
      ...(events[1] as EventRecord),
      id: 2000,
      kind: 'run.succeeded',
      data: { status: 'succeeded' },
    });
    const r = buildReport({ run, events, claims: ['p95 < 200ms', 'rollback within 30s'] });
    expect(r.claims.map((c) => c.status)).toEqual(['UNVERIFIED', 'UNVERIFIED']);
    expect(r.decision.decision).toBe('NO-GO');
    expect(r.decision.rules.find((x) => x.id === 'claims-verified')?.state).toBe('unverified');
    expect(r.decision.rules.find((x) => x.id === 'run-succeeded')?.state).toBe('holds');
    const md = renderMarkdown(r);
    expect(md).toContain('**UNVERIFIED**');
    expect(md).not.toMatch(/\| verified \|/);
  });

  it('decides GO when the run succeeded, its gates passed and its claims are verified', () => {
    const keep = new Set(['run.created', 'run.started', 'load.result']);
    const events = fixture.events.filter((e) => keep.has(e.kind) || (e.id >= 1030 && e.id <= 1039));
    events.push({
      ...(fixture.events[2] as EventRecord),
      id: 3000,
      time: fixture.run.finishedAt as number,
      kind: 'run.succeeded',
      data: { status: 'succeeded' },
    });
    const r = buildReport({ run: { ...fixture.run, status: 'succeeded' }, events, claims: ['p95 < 200ms'] });
    expect(r.decision.decision).toBe('GO');
    expect(r.claims[0]?.status).toBe('verified');
  });
});
