// The lint rules, applied to the parse tree of one migration file. Each finding carries FILE:LINE:COL
// and a hint. A rule named in `-- rollgate:allow RULE` is kept as severity "info" (so `rollgate
// validate` still sees an allowed destructive change) instead of failing the lint.

import type { FilePragmas } from './pragmas.js';
import { isTransactionControl, nonTransactionalReason } from './pragmas.js';
import type { SqlStatement } from './sql-statements.js';

export type LintRule =
  | 'syntax'
  | 'transaction'
  | 'index-concurrently'
  | 'not-null-default'
  | 'not-valid'
  | 'type-change'
  | 'destructive'
  | 'rename'
  | 'lock-timeout';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  file: string;
  line: number;
  col: number;
  rule: LintRule;
  severity: LintSeverity;
  message: string;
  hint: string;
  /** Drops a table or column: old code still running would break. */
  destructive: boolean;
  /** Renames a table or column: old code still running would break. */
  renames: boolean;
}

type Node = Record<string, unknown>;

function obj(v: unknown): Node {
  return v !== null && typeof v === 'object' ? (v as Node) : {};
}

function relName(n: Node): string {
  const rel = obj(n.relation);
  const name = String(rel.relname ?? '');
  return rel.schemaname ? `${String(rel.schemaname)}.${name}` : name;
}

function alterCmds(n: Node): Node[] {
  return ((n.cmds as unknown[]) ?? []).map((c) => obj(obj(c).AlterTableCmd));
}

function constraintsOf(columnDef: Node): Node[] {
  return ((columnDef.constraints as unknown[]) ?? []).map((c) => obj(obj(c).Constraint));
}

/** ALTER TABLE subcommands that take a weaker lock than ACCESS EXCLUSIVE. */
const weakerLockSubtypes = new Set([
  'AT_ValidateConstraint',
  'AT_SetStatistics',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_AttachPartition',
  'AT_DetachPartitionFinalize',
  'AT_EnableTrig',
  'AT_DisableTrig',
]);

function takesAccessExclusive(s: SqlStatement): boolean {
  const n = s.node;
  switch (s.type) {
    case 'AlterTableStmt':
      if (n.objtype !== 'OBJECT_TABLE') return false;
      return alterCmds(n).some((c) => {
        if (weakerLockSubtypes.has(String(c.subtype))) return false;
        // a foreign key takes SHARE ROW EXCLUSIVE
        if (c.subtype === 'AT_AddConstraint' && obj(obj(c.def).Constraint).contype === 'CONSTR_FOREIGN')
          return false;
        return true;
      });
    case 'DropStmt':
      return (n.removeType === 'OBJECT_TABLE' || n.removeType === 'OBJECT_INDEX') && n.concurrent !== true;
    case 'TruncateStmt':
    case 'ClusterStmt':
      return true;
    case 'RenameStmt':
      return n.renameType === 'OBJECT_TABLE' || n.renameType === 'OBJECT_COLUMN';
    case 'VacuumStmt':
      return JSON.stringify(n.options ?? []).includes('"full"');
    case 'LockStmt':
      return n.mode === 8;
    case 'ReindexStmt':
      return !JSON.stringify(n.params ?? []).includes('"concurrently"');
    default:
      return false;
  }
}

function setsLockTimeout(s: SqlStatement): boolean {
  if (s.type === 'VariableSetStmt') return s.node.name === 'lock_timeout' && s.node.kind === 'VAR_SET_VALUE';
  if (s.type === 'SelectStmt') {
    const json = JSON.stringify(s.node);
    return json.includes('"set_config"') && json.includes('"lock_timeout"');
  }
  return false;
}

/** Tables created by this file: changes to them cannot block or break anything yet. */
function createdTables(statements: SqlStatement[]): Set<string> {
  const names = new Set<string>();
  for (const s of statements) {
    if (s.type === 'CreateStmt') names.add(relName(s.node));
    if (s.type === 'CreateTableAsStmt') names.add(relName(obj(obj(s.node.into).rel) as Node));
  }
  return names;
}

function dropTableNames(n: Node): string[] {
  return ((n.objects as unknown[]) ?? []).map((o) =>
    ((obj(obj(o).List).items as unknown[]) ?? []).map((i) => String(obj(obj(i).String).sval ?? '')).join('.'),
  );
}

export function lintStatements(
  file: string,
  statements: SqlStatement[],
  pragmas: FilePragmas,
  serverVersionNum?: number,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (
    s: SqlStatement,
    rule: LintRule,
    severity: LintSeverity,
    message: string,
    hint: string,
    flags: { destructive?: boolean; renames?: boolean } = {},
  ) => {
    const allowed = pragmas.allow.has(rule) && rule !== 'syntax' && rule !== 'transaction';
    findings.push({
      file,
      line: s.line,
      col: s.col,
      rule,
      severity: allowed ? 'info' : severity,
      message: allowed ? `${message} (allowed by -- rollgate:allow ${rule})` : message,
      hint,
      destructive: flags.destructive ?? false,
      renames: flags.renames ?? false,
    });
  };
  const created = createdTables(statements);
  const isNew = (table: string) => created.has(table);
  let lockTimeoutSet = false;
  let lockTimeoutReported = false;

  for (const s of statements) {
    const n = s.node;
    if (isTransactionControl(s)) {
      add(
        s,
        'transaction',
        'error',
        'transaction control (BEGIN/COMMIT/ROLLBACK) inside a migration file',
        'remove it: each file runs in its own transaction, or outside one with -- rollgate:no-transaction at the top',
      );
    }
    const nonTx = nonTransactionalReason(s, serverVersionNum);
    if (nonTx && !pragmas.noTransaction) {
      add(
        s,
        'transaction',
        'error',
        `${nonTx} cannot run inside a transaction block`,
        'put `-- rollgate:no-transaction` on the first line of the file (and keep such statements in a file of their own)',
      );
    }
    if (setsLockTimeout(s)) lockTimeoutSet = true;
    if (!lockTimeoutSet && !lockTimeoutReported && takesAccessExclusive(s)) {
      const table = s.type === 'DropStmt' ? (dropTableNames(n)[0] ?? '') : relName(n);
      if (!isNew(table)) {
        lockTimeoutReported = true;
        add(
          s,
          'lock-timeout',
          'warning',
          `takes an ACCESS EXCLUSIVE lock${table ? ` on ${table}` : ''} with no lock_timeout set before it`,
          "add `SET lock_timeout = '5s';` before it: waiting behind a long query would otherwise queue every read and write of the table",
        );
      }
    }

    if (s.type === 'IndexStmt' && n.concurrent !== true && !isNew(relName(n))) {
      add(
        s,
        'index-concurrently',
        'warning',
        `CREATE INDEX on existing table ${relName(n)} without CONCURRENTLY blocks writes while it builds`,
        'use CREATE INDEX CONCURRENTLY in a file of its own with `-- rollgate:no-transaction` at the top',
      );
    }
    if (s.type === 'AlterTableStmt' && n.objtype === 'OBJECT_TABLE') {
      const table = relName(n);
      for (const c of alterCmds(n)) {
        const def = obj(c.def);
        if (c.subtype === 'AT_AddColumn' && !isNew(table)) {
          const col = obj(def.ColumnDef);
          const types = constraintsOf(col).map((k) => k.contype);
          const filled = types.some(
            (t) => t === 'CONSTR_DEFAULT' || t === 'CONSTR_IDENTITY' || t === 'CONSTR_GENERATED',
          );
          if (types.includes('CONSTR_NOTNULL') && !filled) {
            add(
              s,
              'not-null-default',
              'warning',
              `ADD COLUMN ${String(col.colname)} NOT NULL without a DEFAULT fails on a table with rows`,
              'add a DEFAULT, or add the column nullable, backfill it, then SET NOT NULL in a later migration',
            );
          }
        }
        if (c.subtype === 'AT_AddConstraint' && !isNew(table)) {
          const k = obj(def.Constraint);
          const name = k.conname ? ` ${String(k.conname)}` : '';
          if (
            (k.contype === 'CONSTR_FOREIGN' || k.contype === 'CONSTR_CHECK') &&
            k.skip_validation !== true
          ) {
            add(
              s,
              'not-valid',
              'warning',
              `ADD CONSTRAINT${name} without NOT VALID scans ${table} while holding its lock`,
              'add it with NOT VALID, then run ALTER TABLE … VALIDATE CONSTRAINT in a later migration (a weaker lock)',
            );
          } else if ((k.contype === 'CONSTR_PRIMARY' || k.contype === 'CONSTR_UNIQUE') && !k.indexname) {
            add(
              s,
              'not-valid',
              'warning',
              `ADD CONSTRAINT${name} builds its index on ${table} while holding an ACCESS EXCLUSIVE lock`,
              'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX',
            );
          }
        }
        if (c.subtype === 'AT_AlterColumnType' && !isNew(table)) {
          add(
            s,
            'type-change',
            'warning',
            `changing the type of ${table}.${String(c.name)} may rewrite the whole table under an ACCESS EXCLUSIVE lock`,
            'add a new column, backfill it in batches, switch the code, then drop the old column in a later release',
          );
        }
        if (c.subtype === 'AT_DropColumn') {
          add(
            s,
            'destructive',
            'error',
            `DROP COLUMN ${table}.${String(c.name)} deletes data, and the release still running may read it`,
            'drop it in a later (contract) release once no running code uses it, and mark the file with `-- rollgate:allow destructive`',
            { destructive: true },
          );
        }
      }
    }
    if (s.type === 'DropStmt' && n.removeType === 'OBJECT_TABLE') {
      add(
        s,
        'destructive',
        'error',
        `DROP TABLE ${dropTableNames(n).join(', ')} deletes data, and the release still running may use it`,
        'drop it in a later (contract) release once no running code uses it, and mark the file with `-- rollgate:allow destructive`',
        { destructive: true },
      );
    }
    if (s.type === 'RenameStmt' && (n.renameType === 'OBJECT_COLUMN' || n.renameType === 'OBJECT_TABLE')) {
      const what =
        n.renameType === 'OBJECT_COLUMN'
          ? `column ${relName(n)}.${String(n.subname)}`
          : `table ${relName(n)}`;
      add(
        s,
        'rename',
        'warning',
        `renaming ${what} to ${String(n.newname)} breaks the release that is still running`,
        'expand and contract: add the new name (column or view), ship code that uses it, remove the old name in a later release',
        { renames: true },
      );
    }
  }
  return findings;
}
