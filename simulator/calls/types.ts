// The calls engine's data: a call as the simulator holds it, its operations, and the error the Graph layer maps.

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
  /** the bot still holds the call after an agent joined via participants/invite */
  botInCall: boolean;
  dtmf: string;
  dtmfStarted: boolean;
  toneSubscribed: boolean;
  patienceS: number;
  handleTimeS: number;
  recordingStatus: string;
  endReason?: string;
  resultInfo?: ResultInfo;
  loadId?: string;
  ops: Map<string, Operation>;
  timers: Set<NodeJS.Timeout>;
  chain: Promise<void>;
  seq: number;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
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
