// The calls engine's data: a call as the simulator holds it, its roster and operations, what the caller heard, and
// the error the Graph layer maps.

export type CallState =
  | 'incoming'
  | 'establishing'
  | 'established'
  | 'redirecting'
  | 'transferring'
  | 'transferAccepted'
  | 'connectedToAgent'
  | 'terminating'
  | 'terminated';

export interface ResultInfo {
  code: number;
  subcode: number;
  message: string;
}

export interface Operation {
  id: string;
  type: string;
  clientContext: string | null;
  timer?: NodeJS.Timeout;
}

export interface Participant {
  id: string;
  kind: 'bot' | 'caller' | 'agent' | 'pstn' | 'voicemail';
  userId?: string;
  phone?: string;
  applicationInstanceId?: string;
  displayName: string | null;
  hidden: boolean;
  removeFromDefaultAudioRoutingGroup: boolean;
  isMuted: boolean;
  onHold: boolean;
  /** when the bot last muted them (participant-mute.md): the view shows it */
  mutedAt?: number;
  replacesCallId?: string;
  joinedAt: number;
  /** mediaStream sourceId (Graph numbers the streams of a call) */
  sourceId: string;
}

export interface Heard {
  at: number;
  kind: 'prompt' | 'music';
  uri?: string;
  text?: string;
  until?: number;
  participantId?: string;
}

/** A playPrompt or recordResponse waiting for, or holding, the call's media channel. */
export interface MediaJob {
  op: Operation;
  kind: 'prompt' | 'record';
  prompts: { uri?: string; text?: string }[];
  maxRecordMs?: number;
}

/** One invitee of participants/invite (participant-delete.md example 2: cancelled while it rings). */
export interface Invitation {
  participantId: string;
  userId?: string;
  phone?: string;
  at: number;
  status: 'ringing' | 'joined' | 'noAnswer' | 'cancelled';
  settledAt?: number;
}

export interface SimCall {
  id: string;
  tenantId: string;
  direction: 'incoming' | 'outgoing';
  state: CallState;
  from: string;
  to: string;
  resourceAccountId: string;
  botAppId: string;
  webhookUrl: string;
  callbackUri: string | null;
  myParticipantId: string;
  callerParticipantId: string;
  callChainId: string;
  createdAt: number;
  answeredAt?: number;
  connectedAt?: number;
  endedAt?: number;
  agentId?: string;
  /** who took the call when it left the bot: an agent, a PSTN party or an agent's voicemail */
  answeredBy?: 'agent' | 'pstn' | 'voicemail';
  /** the caller left a group call (the bot and agents stay) */
  callerLeftAt?: number;
  /** the bot still holds the call after an agent joined via participants/invite */
  botInCall: boolean;
  /** set once participants/invite made it a group call: the caller may leave while bot and agents stay */
  group: boolean;
  /** 'serviceHosted' | 'appHosted' once answered (outbound: from the POST) */
  mediaConfig: 'serviceHosted' | 'appHosted' | null;
  participants: Participant[];
  nextSourceId: number;
  dtmf: string;
  /** index of the next dtmf script character; -1 = not started */
  dtmfPos: number;
  /** the script stopped at a `w` and resumes when the next prompt ends */
  dtmfWaiting: boolean;
  dtmfStarted: boolean;
  toneSequence: number;
  toneSubscribed: boolean;
  patienceS: number;
  handleTimeS: number;
  recordingStatus: string;
  endReason?: string;
  resultInfo?: ResultInfo;
  loadId?: string;
  ops: Map<string, Operation>;
  mediaQueue: MediaJob[];
  mediaRunning?: MediaJob;
  heard: Heard[];
  tones: { at: number; tone: string }[];
  recording: { at: number; status: string; clientContext?: string }[];
  /** participants/invite invitations by participant id, and what became of each (ringing until settled) */
  invitations: Invitation[];
  /** participants who left the call (hung up, or removed by the bot), as they were when they left */
  departed: (Participant & { leftAt: number })[];
  keepAliveTimer?: NodeJS.Timeout;
  lastKeepAliveAt: number;
  timers: Set<NodeJS.Timeout>;
  /** the bot's calls-API requests on this call, as they arrived (GET /_sim/calls: latency benchmarks) */
  requests: { at: number; method: string; path: string }[];
  /** each notification POST to the bot: when it left, how long the webhook took to answer, its status */
  /** notifications raised but not yet handed to a POST */
  pending: { target: string; notification: Record<string, unknown> }[];
  /** every delivery attempt of this call's notifications, in order (GET /_sim/calls/{id}/notifications) */
  deliveries: Delivery[];
  flushTimer?: NodeJS.Timeout;
  chain: Promise<void>;
  seq: number;
}

/** One POST of a call's notifications to the bot, as sent (the envelope) and how the bot answered it. */
export interface Delivery {
  at: number;
  target: string;
  attempt: number;
  /** how long the bot took to answer the POST */
  ackMs: number;
  status?: number;
  error?: string;
  /** how many notifications the envelope carried */
  notifications: number;
  body: { value: Record<string, unknown>[] };
}

/** An agent's leg as the simulator saw it: rung for a call, then joined or not, then over. */
export interface AgentLeg {
  callId: string;
  ringingAt: number;
  joinedAt?: number;
  endedAt?: number;
  result?: 'answered' | 'voicemail' | 'noAnswer' | 'callEnded';
}

export class SimError extends Error {
  /** `code`: Graph's numeric error code for the calls API (e.g. 8522), sent as error.code */
  constructor(
    readonly status: number,
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface PlaceOptions {
  tenantId: string;
  from: string;
  to: string;
  dtmf?: string;
  patienceS?: number;
  handleTimeS?: number;
  loadId?: string;
}

export const CALL_NOT_FOUND = 8522;
export const TENANT_MISMATCH = 7505;

/** Result infos the engine sends, with where Graph documents them. */
export const RESULTS = {
  // api-reference/v1.0/api/call-delete.md, "Call end reason codes"
  pstnHangUp: { code: 200, subcode: 540000, message: 'Call ended by the PSTN User.' },
  otherPartyLeft: { code: 200, subcode: 4521, message: 'Call ended by the other participant in peer-to-peer call.' },
  endedByBot: { code: 200, subcode: 7000, message: 'The conversation has ended by bot.' },
  allLeft: {
    code: 200,
    subcode: 5002,
    message: 'The conversation has ended as all other participants have left the call.',
  },
  keepAliveTimeout: { code: 408, subcode: 8537, message: 'Keep Alive timeout, cleaned up inactive call.' },
  // api-reference/v1.0/api/call-transfer.md, "Notification - transfer completed" / "transfer failed"
  transferred: { code: 0, subcode: 7015, message: 'GracefulTransferCompleted' },
  redirected: { code: 0, subcode: 7015, message: 'The call was redirected.' },
  transferFailed: { code: 500, subcode: 7000, message: 'The transfer target did not answer.' },
} satisfies Record<string, ResultInfo>;
