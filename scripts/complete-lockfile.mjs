// Adds lockfile entries for platform-specific optional packages (other OSes and CPUs) that the
// registry mirror of this workplace does not serve, so `npm ci` accepts the lockfile. npm records
// such packages when it can read their metadata; here it cannot, and `npm ci` then refuses the
// lockfile ("Missing: @biomejs/cli-darwin-arm64@ from lock file"). The added entries carry the OS
// and CPU read from the package name, so npm skips them on every other platform without fetching.
// Run after `npm install` changes dependencies: node scripts/complete-lockfile.mjs

import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const osNames = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const cpuNames = [
  'arm64',
  'x64',
  'ia32',
  'arm',
  'riscv64',
  'ppc64',
  's390x',
  'loong64',
  'mips64el',
  'wasm32',
];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => osNames.includes(p) || p === 'win' || p === 'windows');
  const cpu = parts.find((p) => cpuNames.includes(p) || p === 'x86' || p === 'arm' || p === 'ppc64le');
  return {
    ...(os ? { os: [os === 'win' || os === 'windows' ? 'win32' : os] } : {}),
    ...(cpu ? { cpu: [cpu === 'x86' ? 'ia32' : cpu === 'ppc64le' ? 'ppc64' : cpu] } : {}),
  };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const parentDir = path === '' ? '' : `${path}/`;
    const candidates = [`${parentDir}node_modules/${dep}`, `node_modules/${dep}`];
    if (candidates.some((c) => packages[c])) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform package: leave it to npm
    packages[`node_modules/${dep}`] = {
      version: spec.replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
