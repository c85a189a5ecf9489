/**
 * The call machine's transitions for supervision and compliance recording (issue 15 items 5 and 6; call.rules.ts
 * dispatches here, call.graph-events.ts calls the hooks): a supervisor invited into a connected call to monitor
 * (muted) or barge (speaking), and the recorder's state — started at the connection, paused and resumed for PCI,
 * stopped at the end — with every span kept. docs/supervision.md tells the why of each rule.
 *
 * Graph facts the rules follow (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0):
 * - participant-invite.md / resources/invitationparticipantinfo.md: an invitation has no "muted" property, so a
 *   monitor is invited, then muted with participant-mute.md once in the call ("only supported for group calls": the
 *   invitation makes the bot's call one).
 * - call-unmute.md: "Allow the application to unmute itself" — Graph cannot unmute another participant, so
 *   monitor → barge removes the muted leg (participant-delete.md) and invites the supervisor again, speaking;
 *   barge → monitor mutes the same leg.
 * - call-updaterecordingstatus.md: `{clientContext, status: recording | notRecording | failed}` → 200 with an
 *   updateRecordingStatusOperation (completed).
 */
import type { RosterParticipant } from './notification.parser';
import {
  CallInput,
  CallRecord,
  RecordingActorRole,
  RecordingSpan,
  SupervisionMode,
  SupervisionSession,
  isEnding,
} from './call.record';
import { callPhase } from './call.outcome';
import type { Step } from './call.step';

/** Everyone may pause unless the call queue says otherwise. */
export const DEFAULT_PAUSE_ALLOWED_FOR: readonly RecordingActorRole[] = ['agent', 'supervisor', 'admin'];

/** A refusal that means "it is so already": the API answers 200 with the state, not 409. */
export const ALREADY = 'already';

export function isAlreadySo(refused: string | undefined): boolean {
  return refused !== undefined && refused.startsWith(`${ALREADY} `);
}

/** The supervisor's session still in the call (invited or joined, not over), if any. */
export function activeSession(r: CallRecord, userId: string): SupervisionSession | undefined {
  const id = userId.toLowerCase();
  return r.supervision?.find((s) => s.userId === id && s.endedAt === undefined);
}

export function activeSessions(r: CallRecord): SupervisionSession[] {
  return (r.supervision ?? []).filter((s) => s.endedAt === undefined);
}

export function applySupervise(t: Step, i: Extract<CallInput, { kind: 'supervise' }>): string | undefined {
  const r = t.r;
  const phase = callPhase(r);
  if (isEnding(r)) return 'the call is ending';
  if (phase !== 'connected' || !r.connected) return `the call is ${phase}, not connected to an agent`;
  const userId = i.userId.toLowerCase();
  if (r.connected.userId.toLowerCase() === userId) return 'the supervisor is the agent on the call';
  const current = activeSession(r, userId);
  if (current?.mode === i.mode) return `${ALREADY} ${i.mode === 'monitor' ? 'monitoring' : 'barged in'}`;
  if ((r.supervision ?? []).some((s) => s.participantId === i.participantId))
    return `participant id ${i.participantId} was used already`;
  if (current && current.mode === 'barge' && current.joinedAt !== undefined) {
    // barge → monitor: the same leg is muted (participant-mute.md).
    t.entry('bargeEnded', i.at, { supervisorId: userId, detail: 'monitor instead' });
    current.mode = 'monitor';
    t.entry('monitorStarted', i.at, { supervisorId: userId, detail: 'muted' });
    mute(t, current);
    return undefined;
  }
  if (current) {
    // monitor → barge (or a change while the invitation rings): the leg leaves, a speaking one is invited.
    endSession(t, current, i.at, i.mode === 'barge' ? 'barge instead' : 'monitor instead');
  }
  const clientContext = t.clientContext(`supervise:${i.mode}`);
  const session: SupervisionSession = {
    userId,
    mode: i.mode,
    participantId: i.participantId,
    clientContext,
    requestedAt: i.at,
    ...(i.requestedBy ? { requestedBy: i.requestedBy.toLowerCase() } : {}),
  };
  (r.supervision ??= []).push(session);
  r.pendingOps[clientContext] = { purpose: 'supervise', participantId: i.participantId };
  t.commands.push({
    op: 'invite',
    callId: r.callId,
    targets: [{ kind: 'user', userId, tenantId: r.tenantId || undefined }],
    clientContext,
    participantId: i.participantId,
  });
  return undefined;
}

/** The supervisor is in the call (their invitation completed, or a roster lists them): logged once; a monitor is muted. */
export function supervisorJoined(t: Step, s: SupervisionSession, at: number): void {
  if (s.joinedAt !== undefined || s.endedAt !== undefined) return;
  s.joinedAt = at;
  delete t.r.pendingOps[s.clientContext];
  t.entry(s.mode === 'monitor' ? 'monitorStarted' : 'bargeStarted', at, {
    supervisorId: s.userId,
    ...(s.requestedBy && s.requestedBy !== s.userId ? { detail: `asked by ${s.requestedBy}` } : {}),
  });
  if (s.mode === 'monitor') mute(t, s);
}

function mute(t: Step, s: SupervisionSession): void {
  if (isEnding(t.r)) return;
  t.commands.push({
    op: 'muteParticipant',
    callId: t.r.callId,
    participantId: s.participantId,
    clientContext: t.clientContext('supervisorMute'),
  });
}

/**
 * A session is over. Its end is logged when the supervisor had joined (a failed invitation too, so the story tells
 * the attempt); their leg is removed when `removeLeg` (an upgrade, not when they left or the call ended).
 */
function endSession(t: Step, s: SupervisionSession, at: number, reason: string, removeLeg = true): void {
  if (s.endedAt !== undefined) return;
  s.endedAt = at;
  s.endReason = reason;
  delete t.r.pendingOps[s.clientContext];
  t.entry(s.mode === 'monitor' ? 'monitorEnded' : 'bargeEnded', at, { supervisorId: s.userId, detail: reason });
  if (removeLeg && !isEnding(t.r))
    t.commands.push({ op: 'removeParticipant', callId: t.r.callId, participantId: s.participantId });
}

/** The supervisor's invitation finished (by its clientContext). */
export function supervisionInviteFinished(
  t: Step,
  participantId: string | undefined,
  status: 'completed' | 'failed',
  at: number,
  code?: number,
): void {
  const s = t.r.supervision?.find((x) => x.participantId === participantId);
  if (!s || s.endedAt !== undefined) return;
  if (status === 'completed') supervisorJoined(t, s, at);
  else endSession(t, s, at, `the invitation failed${code !== undefined ? ` (${code})` : ''}`, false);
}

/** A roster: a supervisor listed has joined (and shows muted or not); one who had joined and is not listed left. */
export function supervisionRoster(t: Step, participants: readonly RosterParticipant[], at: number): void {
  for (const s of activeSessions(t.r)) {
    const p = participants.find((x) => x.participantId === s.participantId);
    if (p) {
      supervisorJoined(t, s, at);
      if (s.rosterAt !== undefined && at < s.rosterAt) continue; // an older roster than one read: not newer news
      s.rosterAt = at;
      if (p.isMuted !== undefined) s.muted = p.isMuted;
    } else if (s.rosterAt !== undefined && at > s.rosterAt) {
      // Only a roster received after one that listed them says they left: rosters carry no sequence number and
      // storage queues do not keep order, but the webhook stamps each on receipt, in the order Graph sent them
      // (a redelivered one is the same notification, deduplicated by its key).
      endSession(t, s, at, 'left the call', false);
    }
  }
}

/** Is this user one of the call's supervisors still in it (the roster must not take them for a late agent)? */
export function isSupervising(r: CallRecord, userId: string): boolean {
  return activeSession(r, userId) !== undefined;
}

export function applyRecording(t: Step, i: Extract<CallInput, { kind: 'recording' }>): string | undefined {
  const r = t.r;
  if (isEnding(r)) return 'the call is ending';
  const rec = r.recording;
  const by = i.by ? { detail: `by ${i.by}` } : {};
  switch (i.action) {
    case 'start': {
      if (rec) return `${ALREADY} recorded`;
      if (!r.connected) return 'the call is not connected to an agent';
      r.recording = {
        mode: 'always',
        pauseAllowedFor: [...(i.pauseAllowedFor ?? DEFAULT_PAUSE_ALLOWED_FOR)],
        state: 'recording',
        spans: [{ from: i.at, state: 'recording' }],
      };
      t.entry('recordingStarted', i.at, { agentId: r.connected.agentId, ...by });
      report(t, 'recording');
      return undefined;
    }
    case 'pause':
    case 'resume': {
      if (!rec) return 'the call is not recorded';
      const want = i.action === 'pause' ? 'paused' : 'recording';
      if (rec.state === want) return `${ALREADY} ${want}`;
      const at = Math.max(i.at, lastSpan(rec.spans).from);
      lastSpan(rec.spans).to = at;
      rec.spans.push({ from: at, state: i.action === 'pause' ? 'notRecording' : 'recording' });
      rec.state = want;
      t.entry(i.action === 'pause' ? 'recordingPaused' : 'recordingResumed', at, by);
      report(t, i.action === 'pause' ? 'notRecording' : 'recording');
      return undefined;
    }
  }
}

function report(t: Step, status: 'recording' | 'notRecording'): void {
  const rec = t.r.recording;
  if (!rec) return;
  const clientContext = t.clientContext(`recording:${status}`);
  rec.reported = clientContext;
  t.commands.push({ op: 'updateRecordingStatus', callId: t.r.callId, status, clientContext });
}

function lastSpan(spans: RecordingSpan[]): RecordingSpan {
  return spans[spans.length - 1];
}

/** The call ended: every supervisor's session is over, the recording stops (its last span closes at the end). */
export function supervisionEnded(t: Step, at: number): void {
  for (const s of activeSessions(t.r)) endSession(t, s, at, 'the call ended', false);
  const rec = t.r.recording;
  if (rec && rec.state !== 'stopped') {
    const last = lastSpan(rec.spans);
    last.to = Math.max(at, last.from);
    rec.state = 'stopped';
    t.entry('recordingStopped', last.to, { detail: 'the call ended' });
  }
}

/** What the API shows of a session. */
export interface SupervisionView {
  supervisorId: string;
  mode: SupervisionMode;
  state: 'inviting' | 'joined' | 'ended';
  muted?: boolean;
  requestedAt: number;
  joinedAt?: number;
  endedAt?: number;
  endReason?: string;
}

export function supervisionView(r: CallRecord): SupervisionView[] {
  return (r.supervision ?? []).map((s) => ({
    supervisorId: s.userId,
    mode: s.mode,
    state: s.endedAt !== undefined ? 'ended' : s.joinedAt !== undefined ? 'joined' : 'inviting',
    ...(s.muted !== undefined ? { muted: s.muted } : {}),
    requestedAt: s.requestedAt,
    ...(s.joinedAt !== undefined ? { joinedAt: s.joinedAt } : {}),
    ...(s.endedAt !== undefined ? { endedAt: s.endedAt } : {}),
    ...(s.endReason ? { endReason: s.endReason } : {}),
  }));
}

/** The recording as the API shows it: each span with its length (the open one up to `now`). */
export interface RecordingView {
  mode: 'always';
  state: 'recording' | 'paused' | 'stopped';
  pauseAllowedFor: RecordingActorRole[];
  recordingSpans: { from: number; to: number | null; state: 'recording' | 'notRecording'; durationMs: number }[];
  recordedMs: number;
  notRecordedMs: number;
}

export function recordingView(r: CallRecord, now: number): RecordingView | undefined {
  const rec = r.recording;
  if (!rec) return undefined;
  const spans = rec.spans.map((s) => ({
    from: s.from,
    to: s.to ?? null,
    state: s.state,
    durationMs: Math.max(0, (s.to ?? now) - s.from),
  }));
  const sum = (state: RecordingSpan['state']) =>
    spans.filter((s) => s.state === state).reduce((n, s) => n + s.durationMs, 0);
  return {
    mode: rec.mode,
    state: rec.state,
    pauseAllowedFor: [...rec.pauseAllowedFor],
    recordingSpans: spans,
    recordedMs: sum('recording'),
    notRecordedMs: sum('notRecording'),
  };
}
