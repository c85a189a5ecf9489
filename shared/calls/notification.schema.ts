/**
 * The shape of the `commsNotifications` Graph POSTs to a calling bot's webhook (or a call's callbackUri), validated
 * defensively: Graph's payloads are open types, so unknown fields are ignored (zod objects strip them), and only what
 * the call state machine reads is typed.
 *
 * Sources (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0):
 * - resources/commsnotifications.md, resources/commsnotification.md: `{value: [{changeType, resourceUrl,
 *   resourceData}]}`; `resourceData` "is either an entity or a collection of entities" — a call, an operation, or a
 *   participants array (the whole roster, api/participant-invite.md "roster updated").
 * - api/call-answer.md: `updated` notifications carry only what changed (`{state: "establishing"}`), and
 *   establishing/established "may arrive out of order".
 * - api/participant-invite.md: notifications also carry `resource` (`/app/calls/{id}/…`); an operation's or a
 *   participant's `id` may be null; an operation's status may be capitalised (`"Running"`).
 * - api/participant-startholdmusic.md: `resourceUrl` may come without its leading slash (`communications/calls/…`).
 * - resources/resultinfo.md: `{code, subcode, message}`; resources/toneinfo.md: `{sequenceId, tone}`.
 */
import { z } from 'zod';

/** Graph's call states (resources/call.md). Kept open: an unknown state must not make us drop the whole POST. */
export const CALL_STATES = [
  'incoming',
  'establishing',
  'ringing',
  'established',
  'hold',
  'transferring',
  'transferAccepted',
  'redirecting',
  'terminating',
  'terminated',
] as const;
export type GraphCallState = (typeof CALL_STATES)[number];

export const TONES = [
  'tone0',
  'tone1',
  'tone2',
  'tone3',
  'tone4',
  'tone5',
  'tone6',
  'tone7',
  'tone8',
  'tone9',
  'star',
  'pound',
  'a',
  'b',
  'c',
  'd',
  'flash',
] as const;
export type Tone = (typeof TONES)[number];

const str = z.string();
const optStr = str.nullish();

export const identitySchema = z.object({
  id: optStr,
  displayName: optStr,
  tenantId: optStr,
});

/** identitySet: user, application, applicationInstance, phone, guest, … (only these are read). */
export const identitySetSchema = z.object({
  user: identitySchema.nullish(),
  application: identitySchema.nullish(),
  applicationInstance: identitySchema.nullish(),
  phone: identitySchema.nullish(),
  guest: identitySchema.nullish(),
});

export const participantInfoSchema = z.object({
  identity: identitySetSchema.nullish(),
  participantId: optStr,
  endpointType: optStr,
  region: optStr,
  languageId: optStr,
});

/** api/call-transfer.md's failure example spells it `subCode`: read either. */
export const resultInfoSchema = z.preprocess(
  (v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (o.subcode === undefined && o.subCode !== undefined) return { ...o, subcode: o.subCode };
    }
    return v;
  },
  z.object({
    code: z.number({ message: 'must be a number' }).int(),
    subcode: z.number({ message: 'must be a number' }).int().nullish(),
    message: optStr,
  }),
);
export type ResultInfo = z.infer<typeof resultInfoSchema>;

export const toneInfoSchema = z.object({
  sequenceId: z.number({ message: 'must be a number' }).int(),
  tone: z.enum(TONES, { message: `must be one of ${TONES.join(', ')}` }),
});

const incomingContextSchema = z.object({
  sourceParticipantId: optStr,
  observedParticipantId: optStr,
});

/** A call resource: complete on `created`, partial on `updated` (only what changed), with resultInfo on `deleted`. */
export const callResourceSchema = z.object({
  '@odata.type': optStr,
  id: optStr,
  state: optStr,
  direction: optStr,
  callbackUri: optStr,
  tenantId: optStr,
  myParticipantId: optStr,
  callChainId: optStr,
  source: participantInfoSchema.nullish(),
  targets: z.array(participantInfoSchema).nullish(),
  incomingContext: incomingContextSchema.nullish(),
  resultInfo: resultInfoSchema.nullish(),
  toneInfo: toneInfoSchema.nullish(),
  /** api/call-transfer.md: a completed consultative transfer ends with `terminationReason: "AppTransferred"`. */
  terminationReason: optStr,
});
export type CallResource = z.infer<typeof callResourceSchema>;

/** A commsOperation (playPrompt, invite, startHoldMusic, …) as its completion notification carries it. */
export const operationResourceSchema = z.object({
  '@odata.type': optStr,
  id: optStr,
  status: z.string({ message: 'is required' }),
  clientContext: optStr,
  resultInfo: resultInfoSchema.nullish(),
  completionReason: optStr,
  recordingLocation: optStr,
});
export type OperationResource = z.infer<typeof operationResourceSchema>;

export const participantSchema = z.object({
  '@odata.type': optStr,
  id: optStr,
  info: participantInfoSchema.nullish(),
  isMuted: z.boolean().nullish(),
  isInLobby: z.boolean().nullish(),
  mediaStreams: z
    .array(z.object({ mediaType: optStr, direction: optStr, serverMuted: z.boolean().nullish() }))
    .nullish(),
});
export type ParticipantResource = z.infer<typeof participantSchema>;
export const participantsSchema = z.array(participantSchema);

/** One notification: the resource path is in `resourceUrl` (and in `resource`, the app-relative path). */
export const commsNotificationSchema = z
  .object({
    '@odata.type': optStr,
    changeType: z.enum(['created', 'updated', 'deleted'], { message: 'must be created, updated or deleted' }),
    resourceUrl: optStr,
    resource: optStr,
    resourceData: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())], {
      message: 'must be an object or an array',
    }),
  })
  .refine((n) => !!(n.resourceUrl || n.resource), {
    message: 'resourceUrl or resource is required',
    path: ['resourceUrl'],
  });
export type CommsNotification = z.infer<typeof commsNotificationSchema>;

export const commsNotificationsSchema = z.object({
  '@odata.type': optStr,
  value: z.array(commsNotificationSchema, { message: 'must be an array of notifications' }),
});
export type CommsNotifications = z.infer<typeof commsNotificationsSchema>;

/** Resource paths: `/communications/calls/{id}`, `/app/calls/{id}`, with `/operations/{opId}` or `/participants…`. */
export type ResourceRef =
  | { kind: 'call'; callId: string }
  | { kind: 'operation'; callId: string; operationId: string }
  | { kind: 'participants'; callId: string; participantId?: string }
  | { kind: 'other'; callId?: string };

const RESOURCE_RE = /^\/?(?:communications|app)\/calls\/([^/?#]+)(?:\/(operations|participants)(?:\/([^/?#]+))?)?\/?$/i;

export function parseResourcePath(path: string): ResourceRef {
  const m = RESOURCE_RE.exec(path.trim());
  if (!m) return { kind: 'other' };
  const callId = decodeURIComponent(m[1]);
  if (!m[2]) return { kind: 'call', callId };
  const sub = m[3] ? decodeURIComponent(m[3]) : undefined;
  if (m[2].toLowerCase() === 'participants') return { kind: 'participants', callId, participantId: sub };
  // api/participant-invite.md shows an invite's roster and completion under `…/operations/participants`.
  if (!sub || sub.toLowerCase() === 'participants') return { kind: 'participants', callId };
  return { kind: 'operation', callId, operationId: sub };
}

/** A validation problem, with the path of the field at fault (`value[0].resourceData.resultInfo.code`). */
export interface FieldError {
  field: string;
  message: string;
}

export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export function zodFieldErrors(prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: fieldPath(prefix, i.path) || prefix || '(body)', message: i.message }));
}
