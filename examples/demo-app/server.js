// Demo app for Rollgate: a tiny dependency-free HTTP service whose behaviour is set by environment
// variables, so a release can be made slow, failing, unhealthy or crashing on purpose.
//   PORT                port to listen on (injected by the rollgate agent)
//   ROLLGATE_VERSION    version reported in every answer
//   DEMO_ERROR_RATE     0..1, fraction of requests to / answered with 500
//   DEMO_LATENCY_MS     delay added to every request to /
//   DEMO_UNHEALTHY=1    /healthz answers 503
//   DEMO_CRASH_AFTER_S  the process exits with code 1 after this many seconds
//   DEMO_START_DELAY_MS delay before the server starts listening
// On SIGTERM it stops accepting connections, finishes in-flight requests, then exits.

import http from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const version = process.env.ROLLGATE_VERSION ?? 'dev';
const errorRate = Number(process.env.DEMO_ERROR_RATE ?? 0);
const latencyMs = Number(process.env.DEMO_LATENCY_MS ?? 0);
const unhealthy = process.env.DEMO_UNHEALTHY === '1';
const crashAfterS = Number(process.env.DEMO_CRASH_AFTER_S ?? 0);
const startDelayMs = Number(process.env.DEMO_START_DELAY_MS ?? 0);

let served = 0;

function answer(req, res) {
  if (req.url === '/healthz') {
    res.writeHead(unhealthy ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(unhealthy ? 'unhealthy (DEMO_UNHEALTHY=1)\n' : 'ok\n');
    return;
  }
  served += 1;
  const fail = errorRate > 0 && Math.random() < errorRate;
  const body = JSON.stringify({ version, pid: process.pid, port, served, path: req.url, ok: !fail });
  res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json', 'x-demo-version': version });
  res.end(body);
}

const server = http.createServer((req, res) => {
  // drain any request body before answering so keep-alive connections stay usable
  req.resume();
  if (latencyMs > 0) setTimeout(() => answer(req, res), latencyMs);
  else answer(req, res);
});
server.keepAliveTimeout = 65_000;

function start() {
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`demo-app ${version} listening on 127.0.0.1:${port} (pid ${process.pid})\n`);
  });
}
if (startDelayMs > 0) setTimeout(start, startDelayMs);
else start();

if (crashAfterS > 0) {
  setTimeout(() => {
    process.stderr.write(`demo-app ${version}: crashing on purpose after ${crashAfterS}s\n`);
    process.exit(1);
  }, crashAfterS * 1000).unref();
}

process.on('SIGTERM', () => {
  process.stdout.write(`demo-app ${version}: SIGTERM, draining\n`);
  // close() stops accepting and closes idle keep-alive connections; in-flight requests complete
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
