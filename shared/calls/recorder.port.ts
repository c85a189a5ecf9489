/**
 * The compliance recorder (issue 15 item 6) — a port: Switchboard owns the recording's state, its audit trail (the
 * call's story: recordingStarted / Paused / Resumed / Stopped, `recordingSpans`) and the API; who holds the audio is
 * someone else. Two kinds of adapter fit it (docs/supervision.md "Recording"):
 * - a Teams policy-recording partner (a certified compliance recorder the tenant's recording policy invites into
 *   every call of its users): Switchboard tells it to pause / resume (the partner's own API) and reports the state
 *   to Teams with updateRecordingStatus (Graph's rule: "you may NOT … record … without first calling the
 *   updateRecordingStatus API to indicate that recording has begun", api/call-updaterecordingstatus.md);
 * - a media worker of our own (app-hosted media, see media-worker.port.ts) that writes the call's audio.
 * No adapter ships yet: without one, Switchboard keeps the state and reports it to Teams — what the story shows is
 * what a recorder was told, which a partner's own records can be checked against.
 *
 * Every method is idempotent by `(callId, seq)`: the outbox may deliver a command twice, never out of order for one
 * call (a later seq supersedes an earlier one that was not yet carried out).
 */
export interface RecorderCommand {
  tenantId: string;
  /** Graph's call id (the bot's call, where the caller, the agent and any supervisor are). */
  callId: string;
  /** Increases with each command of the call; a recorder ignores one not newer than the last it carried out. */
  seq: number;
  /** When Switchboard decided (epoch ms): the span boundary the story shows. */
  at: number;
}

export interface CallRecorder {
  /** Recording starts (the call reached an agent in a call queue that records `always`). */
  start(c: RecorderCommand & { callQueueId: string; agentUserId: string }): Promise<void>;
  /** PCI pause: from `at` nothing of the call may be kept (card numbers are read out). */
  pause(c: RecorderCommand & { by: string }): Promise<void>;
  resume(c: RecorderCommand & { by: string }): Promise<void>;
  /** The call ended; the recording is closed. */
  stop(c: RecorderCommand): Promise<void>;
}
