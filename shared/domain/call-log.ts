/**
 * The kinds of entry in a call's event log (`callEvents`): written by the call state machine (shared/calls), read by
 * reporting (shared/reporting) — one definition both agree on.
 */
export type CallLogKind =
  | 'arrived'
  | 'rejected'
  | 'answered'
  | 'enqueued'
  | 'offered'
  | 'offerMissed'
  | 'offerDeclined'
  /** One of several invitations ringing at once (attendant) stopped because another agent answered: not a miss. */
  | 'offerWithdrawn'
  | 'connected'
  | 'transferred'
  | 'overflowed'
  | 'timedOut'
  | 'noAgent'
  | 'abandoned'
  | 'ended'
  /** Menus (IVR): entered (greeting plays), closed (closed greeting), a key taken, an invalid key, no input. */
  | 'menuEntered'
  | 'menuClosed'
  | 'menuKey'
  | 'menuInvalid'
  | 'menuNoInput'
  /** Self-service: collection started, a retry, the request's outcome — names and lengths, never a digit. */
  | 'selfService'
  /** A position and wait announcement to a waiting caller (detail: position, estimate). */
  | 'announced';
