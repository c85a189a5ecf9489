/**
 * `GET /api/tenants/{tenantId}/calls/{callId}` (Admin, Supervisor of one of the call's call queues): a call's state,
 * its ordered log (`events`, each with `elapsedMs` since the arrival) and, once it has ended, its **story** — the
 * contact record: arrival (caller, endpoint), each call queue stay with its wait, offers (agent, ring time,
 * answered / missed / declined / cancelled), connection, transfer, abandonment, and durations (total, ring, talk, hold,
 * wrap-up, handle). `storyComplete` is false until the reporting feed has recorded the call (wrap-up still running):
 * the story is then built from the log as it stands. A Supervisor sees the caller's number masked; a call outside
 * their call queues is 404.
 * Supervision (docs/supervision.md): `supervision` — each supervisor invited (monitor / barge, state, muted as the
 * roster said) — and `recording` — the recorder's state with `recordingSpans: [{from, to, state}]` (also in the story).
 */
import { callerFor } from '../../shared/auth';
import { callSummary, recordingView, supervisionView } from '../../shared/calls';
import { notFound } from '../../shared/http/problem';
import { buildContactRecord, type ContactRecord } from '../../shared/reporting';
import { HttpProblem, api, json, pathParam } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { callQueueCaller, visibleCallQueues } from '../lib/callqueue-access';
import { httpRoute } from '../lib/route-access';

httpRoute('callGet', {
  access: 'supervisorOfCallQueue',
  route: 'tenants/{tenantId}/calls/{callId}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const who = await callQueueCaller(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const { principal, tenantId } = who;
    const callId = pathParam(request, 'callId');
    const root = appRoot();
    const stored = await root.calls.get(tenantId, callId);
    const missing = () => new HttpProblem(notFound(`No call ${callId} in tenant ${tenantId}.`));
    if (!stored) throw missing();
    const events = await root.calls.listEvents(tenantId, callId);
    const visible = visibleCallQueues(who);
    if (visible) {
      const queues = new Set(events.flatMap((e) => (e.callQueueId ? [e.callQueueId] : [])));
      if (stored.record.callQueueId) queues.add(stored.record.callQueueId);
      if (![...queues].some((q) => visible.includes(q))) throw missing();
    }
    const summary = callSummary(stored.record);
    const arrivedAt = stored.record.arrival?.at;
    let story: ContactRecord | undefined;
    let storyComplete = false;
    if (stored.record.end && arrivedAt !== undefined) {
      story = await root.reporting.getContact(tenantId, callId, arrivedAt);
      storyComplete = story !== undefined;
      if (!story) {
        try {
          story = buildContactRecord({ callId, tenantId, story: events });
        } catch {
          story = undefined;
        }
      }
    }
    const caller = stored.record.arrival?.callerPhone ?? stored.record.arrival?.callerUserId;
    const supervision = supervisionView(stored.record);
    const recording = recordingView(stored.record, Date.now());
    return json(200, {
      ...summary,
      ...(summary.callerPhone ? { callerPhone: callerFor(principal, summary.callerPhone) } : {}),
      events: events.map((e) => ({ ...e, ...(arrivedAt !== undefined ? { elapsedMs: e.at - arrivedAt } : {}) })),
      supervision,
      recording: recording ?? null,
      story: story
        ? {
            ...story,
            ...(caller ? { caller: callerFor(principal, caller) } : {}),
            supervision,
            recordingSpans: recording?.recordingSpans ?? [],
          }
        : null,
      storyComplete,
    });
  }),
});
