// What `rollgate init` writes: reads the project's package.json (name, start command, test script)
// and produces a commented rollgate.yaml that `rollgate validate` accepts as written.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface ProjectFacts {
  app: string;
  /** Command that starts one instance; PORT is injected by Rollgate. */
  start: string;
  /** Where `start` came from, said in a comment: scripts.start, main, or a placeholder. */
  startSource: 'scripts.start' | 'main' | 'placeholder';
  test: string | undefined;
  port: number;
}

const defaultTestScript = /no test specified/;

/** A name the plan accepts (letters, digits, ".", "_", "-", starting with a letter or digit). */
export function appName(raw: string): string {
  const cleaned = raw
    .replace(/^@[^/]+\//, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return cleaned || 'app';
}

export function detectProject(dir: string): ProjectFacts {
  let pkg: Record<string, unknown> = {};
  const file = join(dir, 'package.json');
  if (existsSync(file)) {
    try {
      pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      pkg = {};
    }
  }
  const scripts = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<
    string,
    unknown
  >;
  const name = typeof pkg.name === 'string' && pkg.name ? pkg.name : basename(dir);
  let start = 'node server.js';
  let startSource: ProjectFacts['startSource'] = 'placeholder';
  if (typeof scripts.start === 'string' && scripts.start.trim()) {
    start = 'npm start --silent';
    startSource = 'scripts.start';
  } else if (typeof pkg.main === 'string' && pkg.main.trim()) {
    start = `node ${pkg.main.trim()}`;
    startSource = 'main';
  }
  const test =
    typeof scripts.test === 'string' && scripts.test.trim() && !defaultTestScript.test(scripts.test)
      ? 'npm test'
      : undefined;
  return { app: appName(name), start, startSource, test, port: 8080 };
}

const q = (s: string) => JSON.stringify(s);

export function renderInitTemplate(p: ProjectFacts): string {
  const startNote = {
    'scripts.start': '# from package.json scripts.start; each instance gets its own PORT',
    main: '# from package.json main; each instance gets its own PORT',
    placeholder: '# TODO: the command that starts one instance of your app (it must listen on $PORT)',
  }[p.startSource];
  const preflight = [
    '  - name: preflight',
    '    steps:',
    '      # every sub-check runs and is recorded as evidence; any failure stops the deploy',
    `      - check: { disk: { path: ".", minFree: 100MB } }`,
    ...(p.test
      ? ['      - run: npm test']
      : ['      # - run: npm test            # add your test command here']),
  ];
  return `# yaml-language-server: $schema=./node_modules/rollgate/schema.json
# Rollgate release plan for ${p.app}, written by \`rollgate init\`.
# Check it with \`rollgate validate\`, preview with \`rollgate plan --env staging\`,
# deploy with \`rollgate deploy --env staging --version 1.0.0\`.

app: ${p.app}

# The process Rollgate supervises. PORT and ROLLGATE_VERSION are set for every instance.
service:
  start: ${q(p.start)} ${startNote}
  instances: 2
  # how Rollgate knows an instance is ready; use { http: /healthz } if your app has such a route
  health: { tcp: true, interval: 1s, timeout: 500ms, healthyAfter: 2, unhealthyAfter: 3 }
  drain: 10s          # time between SIGTERM and SIGKILL when an instance stops
  retain: 3           # old releases kept for an instant \`rollgate rollback\`

# Where releases go. The local agent's router listens on \`listen\` and splits traffic by weight.
environments:
  staging:
    target: { kind: local, listen: ${p.port} }
  production:
    target: { kind: local, listen: ${p.port + 1} }
    approval: { required: true }   # \`rollgate approve RUN_ID\` before anything runs

phases:
${preflight.join('\n')}
  - name: rollout
    needs: [preflight]
    steps:
      # canary: shift traffic in steps; a failed gate aborts and routes everything back to stable
      - deploy:
          strategy: canary
          steps:
            - setWeight: 10
            - analyze: { gate: slo, duration: 1m }
            - setWeight: 50
            - analyze: { gate: slo, duration: 1m }
            - setWeight: 100

# Quality gates: metrics of the new release against thresholds and against the stable release.
gates:
  slo:
    metrics:
      - { name: error-rate, provider: router, query: error_rate, max: 1% }
      - { name: p95, provider: router, query: latency_p95, max: 500ms }
      - { name: latency-vs-stable, provider: router, query: latency, judge: mann-whitney, tolerance: 10% }

# What the go/no-go report must prove from recorded evidence (\`rollgate report --last\`).
# A claim without a measurement behind it is shown UNVERIFIED, never as passed.
claims:
  - p95 < 500ms
  - error rate < 1%
  - rollback within 30s

# Roll back automatically on failed health checks, failed gates and failed steps.
rollback:
  on: [health, gate, step-failure]

# notify:
#   - webhook: "\${{ secrets.SLACK_URL }}"   # Slack-compatible; the URL never appears in logs
`;
}
