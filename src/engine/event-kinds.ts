// Names of the events the engine writes. Reports and renderers switch on these strings.

export const EventKind = {
  runCreated: 'run.created',
  runStarted: 'run.started',
  runResumed: 'run.resumed',
  runAwaitingApproval: 'run.awaiting_approval',
  runSucceeded: 'run.succeeded',
  runFailed: 'run.failed',
  runRolledBack: 'run.rolled_back',
  runCancelled: 'run.cancelled',
  runRejected: 'run.rejected',
  lockAcquired: 'lock.acquired',
  lockReleased: 'lock.released',
  lockLost: 'lock.lost',
  phaseStarted: 'phase.started',
  phaseSucceeded: 'phase.succeeded',
  phaseFailed: 'phase.failed',
  phaseSkipped: 'phase.skipped',
  stepStarted: 'step.started',
  stepSucceeded: 'step.succeeded',
  stepFailed: 'step.failed',
  stepRetrying: 'step.retrying',
  stepSkipped: 'step.skipped',
  rollbackStarted: 'rollback.started',
  rollbackFinished: 'rollback.finished',
  rollbackSkipped: 'rollback.skipped',
  notificationSent: 'notification.sent',
} as const;

/** Final run events, by run status. */
export const finalEventOf = {
  succeeded: EventKind.runSucceeded,
  failed: EventKind.runFailed,
  rolled_back: EventKind.runRolledBack,
  cancelled: EventKind.runCancelled,
  rejected: EventKind.runRejected,
} as const;
