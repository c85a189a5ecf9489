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
  | 'announced'
  /**
   * Supervision (issue 15 item 5; docs/supervision.md): a supervisor joined the call muted (monitor) or speaking
   * (barge), and left it (upgrade, downgrade, hung up, invitation failed, the end). `supervisorId` names them.
   */
  | 'monitorStarted'
  | 'monitorEnded'
  | 'bargeStarted'
  | 'bargeEnded'
  /**
   * Compliance recording (issue 15 item 6): the recorder's state, reported to Teams with updateRecordingStatus —
   * started at the connection (mode `always`), paused / resumed (PCI), stopped at the end. `detail` names who acted.
   */
  | 'recordingStarted'
  | 'recordingPaused'
  | 'recordingResumed'
  | 'recordingStopped'
  /**
   * Callbacks (issue 14 item 5): offered to a waiting caller, requested (the caller left the call queue keeping their
   * place; detail: the number, masked), an outbound attempt (detail: its result), completed (an agent reached the
   * caller: agentId) or failed (every attempt used).
   */
  | 'callbackOffered'
  | 'callbackRequested'
  | 'callbackAttempt'
  | 'callbackCompleted'
  | 'callbackFailed';
