// The plans the demo writes: a first release, and the canary release plan (a migration phase when
// PostgreSQL is reachable, then a canary under synthetic load judged by a statistical gate).

export interface DemoPlanOptions {
  appScript: string;
  port: number;
  /** Seconds of each canary analysis window. */
  windowS: number;
  migrationsDir?: string;
}

const service = (appScript: string) => `service:
  start: node ${JSON.stringify(appScript)}
  instances: 2
  env:
    DEMO_ERROR_RATE: "\${{ vars.errorRate }}"
    DEMO_LATENCY_MS: "\${{ vars.latencyMs }}"
  health: { http: /healthz, interval: 250ms, timeout: 1s, healthyAfter: 2, unhealthyAfter: 2 }
  drain: 1s
`;

const environments = (port: number) => `environments:
  demo:
    target: { kind: local, listen: ${port} }
    vars: { errorRate: "0", latencyMs: "2" }
`;

export function firstReleasePlan(o: DemoPlanOptions): string {
  return `# Rollgate demo: the first release of the demo shop.
app: demo-shop
${service(o.appScript)}${environments(o.port)}phases:
  - name: preflight
    steps:
      - check: { disk: { path: ".", minFree: 20MB } }
  - name: rollout
    needs: [preflight]
    steps:
      - deploy: { strategy: canary }
`;
}

export function canaryPlan(o: DemoPlanOptions): string {
  const w = o.windowS;
  // The load outlasts the canary: two analysis windows, health gating and draining.
  const loadS = 2 * w + 12;
  const migrate = o.migrationsDir
    ? `  - name: migrate
    needs: [preflight]
    steps:
      - migrate: { dir: ${JSON.stringify(o.migrationsDir)}, database: "\${{ vars.databaseUrl }}", backup: true }
`
    : '';
  return `# Rollgate demo: a canary release under synthetic load, judged against the stable release.
app: demo-shop
${service(o.appScript)}${environments(o.port)}phases:
  - name: preflight
    steps:
      - check: { disk: { path: ".", minFree: 20MB }, tcp: ["127.0.0.1:${o.port}"] }
${migrate}  - name: rollout
    needs: [${o.migrationsDir ? 'migrate' : 'preflight'}]
    parallel: true
    steps:
      - name: canary
        deploy:
          strategy: canary
          steps:
            - setWeight: 20
            - analyze: { gate: slo, duration: ${w}s }
            - setWeight: 50
            - analyze: { gate: slo, duration: ${w}s }
            - setWeight: 100
      - name: synthetic load
        load: { url: "http://127.0.0.1:${o.port}/", rate: 200, duration: ${loadS}s, connections: 8 }
        continueOnError: true
gates:
  slo:
    metrics:
      - { name: error-rate, provider: router, query: error_rate, max: 1%, minSamples: 40, critical: true }
      - { name: p95, provider: router, query: latency_p95, max: 250ms, minSamples: 40 }
      - { name: latency-vs-stable, provider: router, query: latency, judge: mann-whitney, direction: increase, tolerance: 50%, minSamples: 30 }
rollback:
  on: [health, gate, step-failure]
  hooks:
    - name: flush cache
      run: echo "cache flushed after rollback" > rollback-hook.ran
claims:
  - "error rate < 1%"
  - "p95 < 250ms"
  - "zero failed requests during rollout"
`;
}
