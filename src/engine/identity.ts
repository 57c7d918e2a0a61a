// Who and where: run ids, the user a run is attributed to, and the owner string of this process
// (used to tell whether the process driving a run is still alive).

import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

export function newRunId(now = Date.now()): string {
  const d = new Date(now);
  const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export function currentUser(): string {
  if (process.env.ROLLGATE_USER) return process.env.ROLLGATE_USER;
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export function currentOwner(): string {
  return `pid ${process.pid} on ${hostname()}`;
}

/** True when `owner` names a process on this host that no longer exists; false when alive or unknown. */
export function ownerIsDeadHere(owner: string | null): boolean {
  if (!owner) return true;
  const m = /^pid (\d+) on (.+)$/.exec(owner);
  if (!m || m[2] !== hostname()) return false;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
