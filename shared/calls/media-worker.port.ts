/**
 * What a media worker would implement for whisper (issue 15 item 5; docs/supervision.md "Whisper"): a supervisor who
 * speaks to the agent while the caller does not hear. Graph's calls API mixes everyone in one audio routing group
 * unless a bot with **app-hosted media** builds its own (microsoft-graph-comms-samples: the media SDK,
 * Microsoft.Skype.Bots.Media, runs only on Windows Server with a public IP and its own certificate), so neither
 * Azure Functions nor service-hosted media can do it. Switchboard keeps the call, the story and the API; a worker
 * that hosts the media joins the call as its own participant and does the mixing.
 *
 * Interface only: no adapter ships. Switchboard sends the worker these commands (over a storage queue or HTTPS —
 * the adapter's choice) and reads its events back into the call's story.
 */
export interface MediaWorkerCall {
  tenantId: string;
  /** Graph's call id of the bot's call (service-hosted media; the worker joins it as its own participant). */
  callId: string;
  /** The call chain id Graph gave the call (what a join of the same conversation names). */
  callChainId?: string;
}

export interface WhisperRequest extends MediaWorkerCall {
  /** Who whispers: the supervisor's Entra object id. */
  supervisorUserId: string;
  /** Who hears the whisper: the agent's Entra object id (the caller never does). */
  agentUserId: string;
  /** Graph participant ids, as the bot's roster names them. */
  agentParticipantId?: string;
  callerParticipantId?: string;
  /** Idempotency: one whisper session per id; a repeat changes nothing. */
  sessionId: string;
}

/** What the worker tells back (each becomes a story entry). */
export type MediaWorkerEvent =
  | { kind: 'whisperStarted'; sessionId: string; at: number }
  | { kind: 'whisperEnded'; sessionId: string; at: number; reason: string }
  | { kind: 'failed'; sessionId: string; at: number; reason: string };

export interface MediaWorker {
  /**
   * Joins the call with app-hosted media and routes the supervisor's audio to the agent only: audio routing groups
   * (`POST /communications/calls/{id}/audioRoutingGroups`, routingMode `multicast`) between the supervisor and the
   * agent, with the supervisor invited `removeFromDefaultAudioRoutingGroup: true` so the caller's mix leaves them out.
   */
  startWhisper(request: WhisperRequest): Promise<void>;
  /** Ends the whisper; the supervisor stays as a monitor (muted) or leaves, as Switchboard then decides. */
  stopWhisper(o: MediaWorkerCall & { sessionId: string }): Promise<void>;
  /** The worker's events for a call since `afterAt` (epoch ms). */
  events(o: MediaWorkerCall & { afterAt?: number }): Promise<MediaWorkerEvent[]>;
}
