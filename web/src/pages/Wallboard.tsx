// The live wallboard: a tile per call queue (waiting, longest wait, agents by state, SL and abandoned today) that turns
// amber or red past its thresholds, and the agents with their state and time in state. Wall mode (`?wall=1`) hides
// the navigation, asks for full screen and sets everything in large type for a wall screen.
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiProblem, type Api } from '../api';
import { ProblemBar } from '../components';
import { AGENT_STATES, STATE_LABELS, duration } from '../contact-center';
import { useLiveBoard } from './wallboard-data';
import { longestWait, tileLevel, type Level, type QueueTile } from './wallboard-rules';

const LEVEL_TEXT: Record<Level, string> = { ok: 'On target', amber: 'Attention', red: 'Alert' };

const useStyles = makeStyles({
  head: { display: 'flex', alignItems: 'center', gap: '16px', flexWrap: 'wrap' },
  grow: { flex: 1 },
  tiles: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: '16px',
    margin: '16px 0 24px',
  },
  wallTiles: { gridTemplateColumns: 'repeat(auto-fill, minmax(420px, 1fr))', gap: '24px' },
  tile: {
    border: `2px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: '12px 16px',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
  amber: {
    border: `4px solid ${tokens.colorPaletteMarigoldBorderActive}`,
    backgroundColor: tokens.colorPaletteMarigoldBackground1,
  },
  red: {
    border: `4px solid ${tokens.colorPaletteRedBorderActive}`,
    backgroundColor: tokens.colorPaletteRedBackground1,
  },
  tileHead: { display: 'flex', alignItems: 'center', gap: '8px', marginBottom: '8px' },
  tileName: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, flex: 1 },
  big: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '4px 16px', margin: 0 },
  figure: { margin: 0, fontSize: '32px', lineHeight: '40px', fontWeight: tokens.fontWeightBold },
  label: { margin: 0, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  states: { display: 'flex', flexWrap: 'wrap', gap: '4px 12px', marginTop: '8px', fontSize: tokens.fontSizeBase300 },
  wall: { fontSize: '150%' },
  wallFigure: { fontSize: '64px', lineHeight: '72px' },
  wallName: { fontSize: '32px', lineHeight: '40px' },
  wallText: { fontSize: '22px', lineHeight: '30px' },
});

function Figure({ label, value, wall }: { label: string; value: string; wall: boolean }) {
  const styles = useStyles();
  return (
    <div>
      <dt className={mergeClasses(styles.label, wall && styles.wallText)}>{label}</dt>
      <dd className={mergeClasses(styles.figure, wall && styles.wallFigure)}>{value}</dd>
    </div>
  );
}

function Tile({ t, wall, now }: { t: QueueTile; wall: boolean; now: number }) {
  const styles = useStyles();
  const level = tileLevel(t, now);
  const today = (v: number | undefined, unit = '') => (v === undefined ? '—' : `${Math.round(v)}${unit}`);
  return (
    <article
      className={mergeClasses(styles.tile, level === 'amber' && styles.amber, level === 'red' && styles.red)}
      aria-label={`Call queue ${t.name ?? t.callQueueId}`}
      data-level={level}
    >
      <div className={styles.tileHead}>
        <h2 className={mergeClasses(styles.tileName, wall && styles.wallName)}>{t.name ?? t.callQueueId}</h2>
        <Badge
          appearance="filled"
          color={level === 'red' ? 'danger' : level === 'amber' ? 'warning' : 'success'}
          size={wall ? 'extra-large' : 'medium'}
        >
          {LEVEL_TEXT[level]}
        </Badge>
      </div>
      <dl className={styles.big}>
        <Figure label="Waiting" value={String(t.waiting)} wall={wall} />
        <Figure label="Longest wait" value={t.waiting ? duration(longestWait(t, now)) : '—'} wall={wall} />
        <Figure label="Service level today" value={today(t.serviceLevelToday, ' %')} wall={wall} />
        <Figure label="Abandoned today" value={today(t.abandonedToday)} wall={wall} />
        <Figure label="Callbacks waiting" value={today(t.callbacksWaiting)} wall={wall} />
      </dl>
      <div className={mergeClasses(styles.states, wall && styles.wallText)} aria-label="Agents by state">
        {AGENT_STATES.map((s) => (
          <span key={s}>
            {STATE_LABELS[s]} <strong>{t.agents[s]}</strong>
          </span>
        ))}
        {t.answeredToday !== undefined && (
          <span>
            Answered today <strong>{t.answeredToday}</strong>
          </span>
        )}
      </div>
    </article>
  );
}

// An agent row that never changed state says since 1970: its time in state is unknown.
const KNOWN_SINCE = Date.UTC(2000, 0, 1);

const SOURCE_TEXT = {
  stream: 'Live (server-sent events)',
  realtime: 'Live (refreshed every 2 s)',
  derived: 'Live (refreshed every 2 s from calls and agents)',
};

export function WallboardPage({ api }: { api: Api }) {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const wall = params.get('wall') === '1';
  const { board, missing, error } = useLiveBoard(api);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  const setWall = (on: boolean) => {
    setParams(on ? { wall: '1' } : {});
    if (on) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };
  const problem = missing instanceof ApiProblem ? missing.problem : undefined;
  return (
    <section aria-labelledby="wb-title" className={wall ? styles.wall : undefined}>
      <div className={styles.head}>
        <Title2 block as="h1" id="wb-title" className={styles.grow}>
          Wallboard
        </Title2>
        {board && <Text className={wall ? styles.wallText : undefined}>{SOURCE_TEXT[board.source]}</Text>}
        <Button appearance={wall ? 'secondary' : 'primary'} onClick={() => setWall(!wall)}>
          {wall ? 'Leave wall mode' : 'Wall mode'}
        </Button>
      </div>
      {!wall && missing !== undefined && board?.source === 'derived' && (
        <MessageBar intent="info">
          <MessageBarBody>
            <MessageBarTitle>Real-time API not available{problem ? ` (${problem.status})` : ''}</MessageBarTitle>
            {problem?.detail ?? problem?.title ?? String(missing)}. Tiles are computed from the live calls and agents;
            service level and abandoned calls today need it.
          </MessageBarBody>
        </MessageBar>
      )}
      <ProblemBar error={error} />
      {!board && !error && <Spinner label="Connecting…" />}
      {board && (
        <>
          <div className={mergeClasses(styles.tiles, wall && styles.wallTiles)}>
            {board.callQueues.length === 0 && <Text>No call queues to show.</Text>}
            {board.callQueues.map((t) => (
              <Tile key={t.callQueueId} t={t} wall={wall} now={now} />
            ))}
          </div>
          <Table aria-label="Agents" size={wall ? 'medium' : 'small'} className={wall ? styles.wallText : undefined}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Agent</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>Time in state</TableHeaderCell>
                <TableHeaderCell>Call queues</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {board.agents.map((a) => (
                <TableRow key={a.agentId ?? a.userPrincipalName}>
                  <TableCell>{a.userPrincipalName}</TableCell>
                  <TableCell>{STATE_LABELS[a.state] ?? a.state}</TableCell>
                  <TableCell>{a.since && a.since > KNOWN_SINCE ? duration((now - a.since) / 1000) : '—'}</TableCell>
                  <TableCell>{a.callQueueIds?.join(', ') ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}
