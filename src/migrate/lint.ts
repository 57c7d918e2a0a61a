// `rollgate migrate lint`: parses every migration with the real PostgreSQL parser and applies the
// lint rules. Down and verify files are only checked for syntax (a down file is destructive by
// nature). Also the helper `rollgate validate` uses to refuse destructive or renaming migrations
// before a canary or blue-green step.

import path from 'node:path';
import { loadMigrations, type SqlFile } from './files.js';
import { type LintFinding, lintStatements } from './lint-rules.js';
import { parseSql } from './sql-statements.js';

export type { LintFinding, LintRule, LintSeverity } from './lint-rules.js';

function syntaxFinding(file: string, error: { message: string; line: number; col: number }): LintFinding {
  return {
    file,
    line: error.line,
    col: error.col,
    rule: 'syntax',
    severity: 'error',
    message: `PostgreSQL cannot parse this file: ${error.message}`,
    hint: 'fix the SQL; the file would fail before any of its statements ran',
    destructive: false,
    renames: false,
  };
}

/** Lints one file; `shownAs` is the path printed in findings. */
export async function lintSqlFile(
  f: SqlFile,
  shownAs: string,
  options: { rules?: boolean; serverVersionNum?: number } = {},
): Promise<LintFinding[]> {
  const parsed = await parseSql(f.sql);
  if (!parsed.ok) return [syntaxFinding(shownAs, parsed.error)];
  if (options.rules === false) return [];
  return lintStatements(shownAs, parsed.statements, f.pragmas, options.serverVersionNum);
}

/** Lints every migration of a directory, in version order. Paths in findings are dir-relative joins. */
export async function lintMigrations(dir: string): Promise<LintFinding[]> {
  const files = await loadMigrations(dir);
  const findings: LintFinding[] = [];
  for (const m of files) {
    findings.push(...(await lintSqlFile(m, path.join(dir, m.file))));
    if (m.down) findings.push(...(await lintSqlFile(m.down, path.join(dir, m.down.file), { rules: false })));
    if (m.verify)
      findings.push(...(await lintSqlFile(m.verify, path.join(dir, m.verify.file), { rules: false })));
  }
  return findings;
}

/** Findings that fail `rollgate migrate lint` (exit 1). */
export function failingFindings(findings: LintFinding[]): LintFinding[] {
  return findings.filter((f) => f.severity !== 'info');
}

export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.col}: ${f.severity} [${f.rule}] ${f.message}\n  hint: ${f.hint}`;
}

/**
 * For `rollgate validate`: the destructive or renaming changes in the given migration directories
 * (allowed ones included). A plan that runs any of them before a canary or blue-green step serves
 * the old release against a schema it does not know; each finding's message says so.
 */
export async function findExpandContractViolations(migrateDirs: string[]): Promise<LintFinding[]> {
  const out: LintFinding[] = [];
  for (const dir of migrateDirs) {
    for (const f of await lintMigrations(dir)) {
      if (!f.destructive && !f.renames) continue;
      out.push({
        ...f,
        message: `${f.message}; this plan runs it before a canary or blue-green step, while the old release still serves traffic`,
        hint: 'split the change into expand (this release: add, keep the old) and contract (a later release: drop or rename) migrations',
      });
    }
  }
  return out;
}
