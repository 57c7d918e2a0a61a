// `rollgate demo`: the whole story on one machine with real processes and real traffic.
//   act 1: the first release (v1) of the demo shop behind the built-in router;
//   act 2: v2 by canary under synthetic load, judged against v1 by the statistical gate: promoted;
//          with a migration phase first when PostgreSQL is reachable (skipped with a notice if not);
//   act 3: v3, which fails 8% of requests: the gate fails and traffic goes back to v2 by itself.
// Each act is a real run of the engine, recorded in a store of its own under the demo folder.

import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { RunReporter } from '../../engine/reporter.js';
import { startRun } from '../../engine/run-engine.js';
import { loadPlanText } from '../../plan/load-plan.js';
import { stepKinds, stepSchemas } from '../../steps/registry.js';
import type { Store } from '../../store/store.js';
import { checkPlanExtras } from '../plan-checks.js';
import { type ActFigures, figuresOf } from './demo-figures.js';
import { canaryPlan, type DemoPlanOptions, firstReleasePlan } from './demo-plan.js';

export interface DemoAct {
  name: string;
  version: string;
  runId: string;
  status: string;
  expected: string;
  ok: boolean;
  reason?: string;
  figures: ActFigures;
  served?: { version: string; requests: number; errors: number }[];
}

export interface DemoResult {
  dir: string;
  port: number;
  acts: DemoAct[];
  migration: { ran: boolean; note: string; database?: string };
  finalTraffic: { version: string; weight: number }[];
  ok: boolean;
}

export interface DemoOptions {
  dir: string;
  fast: boolean;
  store: Store;
  reporter: RunReporter;
  signal: AbortSignal;
  say(line: string): void;
}

const appScript = fileURLToPath(new URL('../../../examples/demo-app/server.js', import.meta.url));
const migrationsDir = fileURLToPath(new URL('../../../examples/demo-migrations', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** A scratch database on the local PostgreSQL, or why there is none. */
async function scratchDatabase(): Promise<
  { url: string; name: string; adminUrl: string } | { skip: string }
> {
  const adminUrl = process.env.ROLLGATE_DEMO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const name = `rollgate_demo_${Date.now().toString(36)}`;
    await client.query(`CREATE DATABASE ${name}`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return { url: u.toString(), name, adminUrl };
  } catch (e) {
    return {
      skip: `PostgreSQL not reachable at ${new URL(adminUrl).host} (${(e as Error).message}); the migration act is skipped`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropScratchDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function runDemo(
  o: DemoOptions,
): Promise<DemoResult & { scratch?: { adminUrl: string; name: string } }> {
  const port = await freePort();
  const windowS = o.fast ? 4 : 12;
  const db = await scratchDatabase();
  const planOptions: DemoPlanOptions = {
    appScript,
    port,
    windowS,
    ...('url' in db ? { migrationsDir } : {}),
  };
  const files = {
    first: join(o.dir, 'first-release.yaml'),
    canary: join(o.dir, 'rollgate.yaml'),
  };
  writeFileSync(files.first, firstReleasePlan(planOptions));
  writeFileSync(files.canary, canaryPlan(planOptions));
  const acts: DemoAct[] = [];
  const home = o.dir;

  const act = async (
    name: string,
    file: string,
    version: string,
    vars: Record<string, string>,
    expected: string,
  ) => {
    o.say('');
    o.say(`== ${name}`);
    const plan = loadPlanText(
      file === files.first ? firstReleasePlan(planOptions) : canaryPlan(planOptions),
      file,
      { stepKinds: stepSchemas },
    );
    await checkPlanExtras(plan);
    const outcome = await startRun({
      store: o.store,
      home,
      stepKinds,
      reporter: o.reporter,
      signal: o.signal,
      user: 'demo',
      plan,
      environment: 'demo',
      version,
      vars: { ...vars, ...('url' in db ? { databaseUrl: db.url } : {}) },
    });
    const events = await o.store.listEvents(outcome.run.id);
    const a: DemoAct = {
      name,
      version,
      runId: outcome.run.id,
      status: outcome.status,
      expected,
      ok: outcome.status === expected,
      reason: outcome.reason,
      figures: figuresOf(events, version),
    };
    acts.push(a);
    return a;
  };

  await act('act 1: the first release, v1', files.first, 'v1', {}, 'succeeded');
  if (!o.signal.aborted)
    await act('act 2: v2 by canary under load, judged against v1', files.canary, 'v2', {}, 'succeeded');
  if (!o.signal.aborted) {
    const started = Date.now();
    const a3 = await act(
      'act 3: v3 fails 8% of requests',
      files.canary,
      'v3',
      { errorRate: '0.08' },
      'rolled_back',
    );
    a3.served = await servedSince(home, started);
  }
  const finalTraffic = await currentTraffic(home);
  const onV2 = finalTraffic.find((t) => t.version === 'v2')?.weight === 100;
  return {
    dir: o.dir,
    port,
    acts,
    migration:
      'url' in db
        ? { ran: true, note: `scratch database ${db.name}`, database: db.name }
        : { ran: false, note: db.skip },
    finalTraffic,
    ok: acts.length === 3 && acts.every((a) => a.ok) && onV2,
    ...('url' in db ? { scratch: { adminUrl: db.adminUrl, name: db.name } } : {}),
  };
}

async function servedSince(home: string, from: number) {
  const { fetchReleaseMetrics } = await import('../../agent/client.js');
  const windows = await fetchReleaseMetrics(home, 'demo', { from, to: Date.now() });
  return windows.map((w) => ({ version: w.version, requests: w.requests, errors: w.errors }));
}

async function currentTraffic(home: string) {
  const { getEnvironmentStatus } = await import('../../agent/client.js');
  const releases = await getEnvironmentStatus(home, 'demo');
  return releases.map((r) => ({ version: r.version, weight: r.weight }));
}
