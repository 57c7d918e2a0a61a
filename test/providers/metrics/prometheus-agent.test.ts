// The prometheus provider reading what a real Prometheus scraped from the real agent's /metrics:
// a release of the demo app answering ~40% errors behind the router, measured through PromQL, must
// agree with the failures the load generator itself saw.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAgent } from '../../../src/agent/client.js';
import { createAnalyzer } from '../../../src/analysis/analyzer.js';
import type { GateConfig } from '../../../src/plan/types.js';
import { runRollout } from '../../../src/rollout/run-rollout.js';
import { rolloutOptions, startLoad, tempHome } from '../../rollout/harness.js';
import { freePort, hasPrometheus, type PrometheusServer, startPrometheus } from './prometheus-server.js';

const env = 'prod';

describe.skipIf(!hasPrometheus)(
  'prometheus provider on the agent metrics (install the Debian package "prometheus")',
  () => {
    let home: string;
    let prom: PrometheusServer;
    let seen = { ok: 0, failed: 0 };

    beforeAll(async () => {
      home = tempHome();
      const port = await freePort();
      const metricsPort = await freePort();
      await runRollout(
        rolloutOptions(
          home,
          env,
          port,
          '1.0.0',
          { strategy: 'canary' },
          {
            env: { DEMO_ERROR_RATE: '0.4' },
            target: { host: '127.0.0.1', listen: port, metricsListen: metricsPort },
          },
        ),
      );
      prom = await startPrometheus([`127.0.0.1:${metricsPort}`]);
      await prom.waitFor('up', 1);
      const load = startLoad(port, 4);
      // traffic until Prometheus has stored two scrapes that include requests
      await prom.waitFor(
        'count_over_time(rollgate_router_requests_total{release="1.0.0",class="2xx"}[1m])',
        2,
      );
      await prom.waitFor('sum(rollgate_router_requests_total{release="1.0.0"})', 200);
      const r = await load.stop();
      seen = { ok: r.ok, failed: r.failed };
      // one more scrape after the load stopped, so the totals are final
      await prom.waitFor(`sum(rollgate_router_requests_total{release="1.0.0"})`, r.ok + r.failed);
    });

    afterAll(async () => {
      await prom?.stop();
      await stopAgent(home, { stopInstances: true });
    });

    it('a gate on the 5xx share of the router counters fails the release, with the value', async () => {
      const gate: GateConfig = {
        metrics: [
          {
            name: 'error-ratio',
            provider: 'prometheus',
            url: prom.url,
            query:
              'sum(max_over_time(rollgate_router_requests_total{release="{{version}}",class="5xx"}[5m])) / sum(max_over_time(rollgate_router_requests_total{release="{{version}}"}[5m]))',
            max: '5%',
            count: 1,
          },
        ],
      };
      const events: { kind: string; data: Record<string, unknown> }[] = [];
      const r = await createAnalyzer()({
        gateName: 'errors',
        gate,
        durationMs: 1,
        environment: env,
        home,
        canaryVersion: '1.0.0',
        stableVersion: null,
        signal: new AbortController().signal,
        record: async (kind, data) => {
          events.push({ kind, data });
          return events.length;
        },
        log: () => {},
      });
      expect(r.verdict).toBe('fail');
      const value = events.find((e) => e.kind === 'analysis.measurement')?.data.value as number;
      // exactly the share of 5xx the clients received: the counters are totals, not estimates
      expect(value).toBeCloseTo(seen.failed / (seen.ok + seen.failed), 3);
      expect(r.reason).toMatch(/error-ratio: \d+(\.\d+)?% > max 5%/);
    });
  },
);
