import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, RunRecord } from '../../src/store/store.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/canary-rollback.json', import.meta.url), 'utf8'),
) as {
  run: RunRecord;
  events: EventRecord[];
};
let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace('sqlite');
  const store = await ws.store();
  await store.init();
  const r = fixture.run;
  await store.createRun({ ...r, owner: null });
  await store.updateRun(r.id, {
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    reason: r.reason,
  });
  for (const e of fixture.events) {
    const { id: _id, ...rest } = e;
    await store.appendEvent(rest);
  }
});

afterAll(async () => {
  await ws?.dispose();
});

describe('rollgate report', () => {
  it('--last --format json reports the newest run from the store, with claims from its recorded plan', async () => {
    const r = await ws.cli(['report', '--last', '--env', 'production', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      summary: { runId: string };
      decision: { decision: string };
      claims: Array<{ text: string; status: string }>;
    };
    expect(report.summary.runId).toBe(fixture.run.id);
    expect(report.decision.decision).toBe('NO-GO');
    expect(report.claims.find((c) => c.text === 'error rate < 1%')?.status).toBe('failed');
    expect(report.claims.find((c) => c.text === 'zero vulnerabilities')?.status).toBe('UNVERIFIED');
  });

  it('writes a self-contained html file with -o', async () => {
    const r = await ws.cli(['report', fixture.run.id, '--format', 'html', '-o', 'report.html']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('to report.html: NO-GO');
    const html = readFileSync(join(ws.dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
  });

  it('names an unknown run and a bad format with exit 2', async () => {
    const missing = await ws.cli(['report', 'run-nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no run run-nope');
    expect((await ws.cli(['report', '--format', 'pdf'])).code).toBe(2);
  });
});
