// One call's story as a timeline: each event of its log in order, with its time, the time since arrival and who.
import { Spinner, Text, Title2, Title3, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { Fragment } from 'react';
import { useParams } from 'react-router';
import type { Api } from '../api';
import { PageLink, ProblemBar, StatusBadge, useLoad } from '../components';
import { duration, enc, epochMs, type CallEvent, type CallStory } from '../contact-center';
import { useAgentNames } from './Calls';

const LABELS: Record<string, string> = {
  arrived: 'Arrived',
  rejected: 'Rejected',
  answered: 'Answered by Switchboard',
  enqueued: 'Waiting in call queue',
  offered: 'Offered to agent',
  offerMissed: 'Offer missed',
  offerDeclined: 'Offer declined',
  connected: 'Connected to agent',
  transferred: 'Transferred',
  overflowed: 'Overflowed',
  timedOut: 'Timed out',
  noAgent: 'No agent',
  abandoned: 'Caller hung up',
  ended: 'Ended',
};
const BAD = new Set(['rejected', 'offerMissed', 'offerDeclined', 'overflowed', 'timedOut', 'noAgent', 'abandoned']);
const SHOWN = new Set([
  'seq',
  'kind',
  'at',
  'elapsedMs',
  'callQueueId',
  'agentId',
  'waitMs',
  'detail',
  'offerId',
  'resultInfo',
]);

const useStyles = makeStyles({
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px', margin: '12px 0 24px' },
  timeline: { listStyleType: 'none', margin: 0, padding: 0, borderLeft: `2px solid ${tokens.colorNeutralStroke1}` },
  event: { position: 'relative', padding: '4px 0 12px 20px' },
  dot: {
    position: 'absolute',
    left: '-7px',
    top: '8px',
    width: '12px',
    height: '12px',
    borderRadius: '50%',
    backgroundColor: tokens.colorBrandBackground,
  },
  dotBad: { backgroundColor: tokens.colorPaletteRedBackground3 },
  head: { display: 'flex', gap: '8px', alignItems: 'baseline', flexWrap: 'wrap' },
  meta: { color: tokens.colorNeutralForeground2 },
});

function extra(e: CallEvent): string {
  return Object.entries(e)
    .filter(([k, v]) => !SHOWN.has(k) && v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
}

/** The finished call's contact record, as `GET …/calls/{callId}` adds it once the call has ended (docs/metrics.md). */
interface ContactStory {
  outcome?: string;
  caller?: string;
  callQueues?: { callQueueId: string; waitMs: number; dequeueReason: string; movedTo?: string }[];
  offers?: { offerId: string; agentId: string; callQueueId?: string; result: string; ringMs: number }[];
  durations?: Record<'totalMs' | 'ringMs' | 'talkMs' | 'holdMs' | 'wrapUpMs' | 'handleMs', number>;
}

const DURATIONS: [keyof NonNullable<ContactStory['durations']>, string][] = [
  ['totalMs', 'Total'],
  ['ringMs', 'Ringing agents'],
  ['talkMs', 'Talk'],
  ['holdMs', 'Hold'],
  ['wrapUpMs', 'Wrap-up'],
  ['handleMs', 'Handle (talk + hold + wrap-up)'],
];

function Summary({ story, agentName }: { story: ContactStory; agentName: (id?: string) => string }) {
  const styles = useStyles();
  return (
    <>
      <Title3 block as="h2">
        Summary
      </Title3>
      <div className={styles.facts}>
        <Text weight="semibold">Outcome</Text>
        <Text>{story.outcome ?? '—'}</Text>
        {DURATIONS.map(([k, label]) => (
          <Fragment key={k}>
            <Text weight="semibold">{label}</Text>
            <Text>{duration((story.durations?.[k] ?? NaN) / 1000)}</Text>
          </Fragment>
        ))}
        {(story.callQueues ?? []).map((q, i) => (
          <Fragment key={`q${i}`}>
            <Text weight="semibold">In call queue {q.callQueueId}</Text>
            <Text>
              waited {duration(q.waitMs / 1000)}, then {q.dequeueReason}
              {q.movedTo ? ` → ${q.movedTo}` : ''}
            </Text>
          </Fragment>
        ))}
        {(story.offers ?? []).map((o) => (
          <Fragment key={o.offerId}>
            <Text weight="semibold">Offer to {agentName(o.agentId)}</Text>
            <Text>
              rang {duration(o.ringMs / 1000)}, {o.result}
            </Text>
          </Fragment>
        ))}
      </div>
    </>
  );
}

export function CallPage({ api }: { api: Api }) {
  const styles = useStyles();
  const callId = decodeURIComponent(useParams().callId ?? '');
  const agentName = useAgentNames(api);
  const story = useLoad(
    () => api.json<CallStory & { story?: ContactStory | null }>('GET', api.tenantPath(`/calls/${enc(callId)}`)),
    [callId],
    {
      everyMs: 2000,
      until: (s) => s.phase === 'ended' || !!s.endedAt,
    },
  );
  const s = story.data;
  const start = epochMs(s?.arrivedAt) ?? epochMs(s?.events?.[0]?.at);
  return (
    <section aria-labelledby="call-title">
      <PageLink to="/calls">← Calls</PageLink>
      <Title2 block as="h1" id="call-title">
        Call {callId}
      </Title2>
      <ProblemBar error={story.error} />
      {!s && story.loading && <Spinner label="Loading…" />}
      {s && (
        <>
          <div className={styles.facts}>
            <Text weight="semibold">State</Text>
            <span>
              <StatusBadge status={s.outcome ?? s.phase} />
            </span>
            <Text weight="semibold">Caller</Text>
            <Text>{s.callerPhone ?? '—'}</Text>
            <Text weight="semibold">Call queue</Text>
            <Text>{s.callQueueId ?? '—'}</Text>
            <Text weight="semibold">Agent</Text>
            <Text>{agentName(s.agentId)}</Text>
          </div>
          {s.story && <Summary story={s.story} agentName={agentName} />}
          <Title3 block as="h2">
            Story
          </Title3>
          <ol className={styles.timeline} aria-label="Story">
            {(s.events ?? []).map((e, i) => {
              const at = epochMs(e.at);
              return (
                <li key={e.seq ?? i} className={styles.event}>
                  <span className={mergeClasses(styles.dot, BAD.has(e.kind) && styles.dotBad)} aria-hidden />
                  <div className={styles.head}>
                    <Text weight="semibold">{LABELS[e.kind] ?? e.kind}</Text>
                    <Text className={styles.meta}>
                      {at ? new Date(at).toLocaleTimeString() : ''}
                      {at && start ? ` (+${duration((at - start) / 1000)})` : ''}
                    </Text>
                  </div>
                  <Text className={styles.meta}>
                    {[
                      e.callQueueId && `call queue ${e.callQueueId}`,
                      e.agentId && `agent ${agentName(e.agentId)}`,
                      e.waitMs !== undefined && `waited ${duration(e.waitMs / 1000)}`,
                      e.detail,
                      extra(e),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
