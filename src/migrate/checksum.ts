// Checksums of migration files: sha256 over the text with line endings normalised to \n, so a
// checkout with CRLF endings does not look like an edited file.

import { createHash } from 'node:crypto';

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** First 12 hex digits, for human output. */
export function shortChecksum(sum: string): string {
  return sum.slice(0, 12);
}
