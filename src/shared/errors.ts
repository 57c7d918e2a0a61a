// The single error base of Rollgate: a stable machine-readable code, a message a person can act on,
// and the exit code the CLI maps it to. Library code throws these; only src/cli turns them into exits.

export const ExitCode = {
  ok: 0,
  failed: 1,
  invalidInput: 2,
  cancelled: 3,
  locked: 4,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'INVALID_PLAN'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'LOCKED'
  | 'CANCELLED'
  | 'REJECTED'
  | 'STEP_FAILED'
  | 'RUN_FAILED'
  | 'STORE_ERROR'
  | 'MIGRATION_ERROR'
  | 'AGENT_ERROR'
  | 'TIMEOUT'
  | 'INTERNAL';

const exitCodeOf: Record<ErrorCode, ExitCode> = {
  INVALID_PLAN: ExitCode.invalidInput,
  INVALID_INPUT: ExitCode.invalidInput,
  NOT_FOUND: ExitCode.invalidInput,
  LOCKED: ExitCode.locked,
  CANCELLED: ExitCode.cancelled,
  REJECTED: ExitCode.cancelled,
  STEP_FAILED: ExitCode.failed,
  RUN_FAILED: ExitCode.failed,
  STORE_ERROR: ExitCode.failed,
  MIGRATION_ERROR: ExitCode.failed,
  AGENT_ERROR: ExitCode.failed,
  TIMEOUT: ExitCode.failed,
  INTERNAL: ExitCode.internal,
};

export class RollgateError extends Error {
  readonly code: ErrorCode;
  /** Extra structured facts for --json output (never secret values). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RollgateError';
    this.code = code;
    this.details = options?.details;
  }

  get exitCode(): ExitCode {
    return exitCodeOf[this.code];
  }
}

/** A problem located in a file: rendered as FILE:LINE:COL: message. */
export interface SourceProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** Dotted path of the field, e.g. phases[1].steps[0].run */
  path?: string;
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export class ValidationError extends RollgateError {
  readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[]) {
    super(
      'INVALID_PLAN',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} found:\n${problems.map(formatProblem).join('\n')}`,
      { details: { problems } },
    );
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export function isRollgateError(e: unknown): e is RollgateError {
  return e instanceof RollgateError;
}
