// Rotation of instance log files by copy-and-truncate: the instance keeps its append-mode file
// descriptor (it must survive the agent dying), so the agent copies a large file to .1 (shifting
// older copies up to .N) and truncates the original in place.

import fs from 'node:fs';
import path from 'node:path';

export interface RotationOptions {
  maxBytes: number;
  keep: number;
}

export function rotateDir(dir: string, opts: RotationOptions): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      rotateDir(full, opts);
      continue;
    }
    if (!name.endsWith('.log') || st.size <= opts.maxBytes) continue;
    try {
      for (let i = opts.keep - 1; i >= 1; i--) {
        const from = `${full}.${i}`;
        if (fs.existsSync(from)) fs.renameSync(from, `${full}.${i + 1}`);
      }
      fs.copyFileSync(full, `${full}.1`);
      fs.truncateSync(full, 0);
    } catch {
      // a file vanishing mid-rotation is harmless; next round retries
    }
  }
}
