// Storage conflicts as typed errors: callers above the store never read driver error codes.

/** The event `(userId, eventId)` is already in the log (a client retried it, here or in another process). */
export class DuplicateEventError extends Error {
  constructor(
    readonly userId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`behaviour ${eventIds.join(', ')} of user ${userId} is already recorded`);
    this.name = 'DuplicateEventError';
  }
}

/** The profile was saved by another writer since it was read: the whole unit of work must be redone. */
export class VersionConflictError extends Error {
  constructor(
    readonly userId: string,
    readonly expectedVersion: number | null,
  ) {
    super(`profile ${userId} is no longer at version ${expectedVersion ?? '(none)'}`);
    this.name = 'VersionConflictError';
  }
}
