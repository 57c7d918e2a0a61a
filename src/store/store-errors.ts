// Errors both store implementations raise for the same situations, so callers see one message
// whichever database is behind the Store.

import { RollgateError } from '../shared/errors.js';

export function notFound(what: string, id: string): RollgateError {
  return new RollgateError('NOT_FOUND', `No ${what} ${id} in the store.`, { details: { [what]: id } });
}

export function duplicateAttempt(
  a: { runId: string; stepKey: string; attempt: number },
  cause: unknown,
): RollgateError {
  return new RollgateError(
    'STORE_ERROR',
    `Step attempt ${a.stepKey}#${a.attempt} of run ${a.runId} was already started; use the next attempt number.`,
    { cause },
  );
}
