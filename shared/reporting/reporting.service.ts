/**
 * Historical reports from the aggregate buckets: `callQueues` and `agents`, for `{from, to, interval, callQueueId?}`,
 * as JSON rows or CSV. Intervals: `15m` reads 15-minute buckets, `1h` merges four of them, `1d` reads day buckets.
 * `from` and `to` are aligned down / up to the interval (UTC). No report reads the contact records.
 */
import { stringify } from 'csv-stringify/sync';
import { ALL_CALL_QUEUES, BUCKET_MS, DAY_MS, Dimension, Grain } from './aggregate.rules';
import {
  AgentFigures,
  CallQueueFigures,
  Metrics,
  agentFigures,
  callQueueFigures,
  emptyMetrics,
  mergeMetrics,
} from './metrics';
import { BucketReader } from './memory-buckets';

export const REPORT_INTERVALS = ['15m', '1h', '1d'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export interface ReportQuery {
  tenantId: string;
  /** ms since the epoch (inclusive), aligned down to the interval. */
  from: number;
  /** ms since the epoch (exclusive), aligned up to the interval. */
  to: number;
  interval: ReportInterval;
  callQueueId?: string;
}

const INTERVAL_MS: Record<ReportInterval, number> = { '15m': BUCKET_MS, '1h': 4 * BUCKET_MS, '1d': DAY_MS };

/** The longest range one report may cover (a 15-minute report of 31 days is 2,976 rows per call queue). */
export const MAX_REPORT_RANGE_MS = 92 * DAY_MS;

export interface CallQueueReportRow extends CallQueueFigures {
  callQueueId: string;
  intervalStart: string;
  intervalEnd: string;
}

export interface AgentReportRow extends AgentFigures {
  agentId: string;
  /** `*` = the agent across every call queue; else the figures of one call queue (staffed time is per agent only). */
  callQueueId: string;
  intervalStart: string;
  intervalEnd: string;
}

export class ReportQueryError extends Error {}

export function validateReportQuery(q: ReportQuery): { from: number; to: number; step: number } {
  if (!REPORT_INTERVALS.includes(q.interval))
    throw new ReportQueryError(`interval must be one of ${REPORT_INTERVALS.join(', ')}`);
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) throw new ReportQueryError('from and to must be times');
  const step = INTERVAL_MS[q.interval];
  const from = Math.floor(q.from / step) * step;
  const to = Math.ceil(q.to / step) * step;
  if (to <= from) throw new ReportQueryError('to must be after from');
  if (to - from > MAX_REPORT_RANGE_MS) throw new ReportQueryError('a report covers at most 92 days');
  return { from, to, step };
}

export class ReportingService {
  constructor(private readonly repo: BucketReader) {}

  async callQueues(q: ReportQuery): Promise<CallQueueReportRow[]> {
    const { from, to, step } = validateReportQuery(q);
    const ids = q.callQueueId ? [q.callQueueId] : await this.repo.listDimensions(q.tenantId, 'cq');
    const rows = await Promise.all(
      ids.map(async (callQueueId) => {
        const series = await this.series(q.tenantId, { kind: 'cq', callQueueId }, q.interval, from, to, step);
        return series.map(({ start, metrics }) => ({
          callQueueId,
          ...span(start, step),
          ...callQueueFigures(metrics),
        }));
      }),
    );
    return rows.flat();
  }

  async agents(q: ReportQuery): Promise<AgentReportRow[]> {
    const { from, to, step } = validateReportQuery(q);
    const scope = q.callQueueId ?? ALL_CALL_QUEUES;
    const ids = await this.repo.listDimensions(q.tenantId, 'agent');
    const rows = await Promise.all(
      ids.map(async (agentId) => {
        const series = await this.series(q.tenantId, { kind: 'agent', agentId, scope }, q.interval, from, to, step);
        return series.map(({ start, metrics }) => ({
          agentId,
          callQueueId: scope,
          ...span(start, step),
          ...agentFigures(metrics),
        }));
      }),
    );
    return rows.flat();
  }

  /** Non-empty intervals of one dimension, in order. */
  private async series(
    tenantId: string,
    d: Dimension,
    interval: ReportInterval,
    from: number,
    to: number,
    step: number,
  ): Promise<{ start: number; metrics: Metrics }[]> {
    const grain: Grain = interval === '1d' ? 'd1' : 'm15';
    const buckets = await this.repo.readBuckets(tenantId, d, grain, from, to);
    const byStart = new Map<number, Metrics>();
    for (const b of buckets) {
      const start = Math.floor(b.start / step) * step;
      let m = byStart.get(start);
      if (!m) byStart.set(start, (m = emptyMetrics()));
      mergeMetrics(m, b.metrics);
    }
    return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([start, metrics]) => ({ start, metrics }));
  }
}

function span(start: number, step: number): { intervalStart: string; intervalEnd: string } {
  return { intervalStart: new Date(start).toISOString(), intervalEnd: new Date(start + step).toISOString() };
}

/** Column order of the call queue CSV (the five service levels side by side, named). */
export const CALL_QUEUE_CSV_COLUMNS = [
  'callQueueId',
  'intervalStart',
  'intervalEnd',
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'abandonmentRate',
  'callbacksRequested',
  'callbacksCompleted',
  'overflowed',
  'timedOut',
  'noAgent',
  'offers',
  'missedOffers',
  'asaS',
  'averageWaitS',
  'p90WaitS',
  'longestWaitS',
  'handled',
  'ahtS',
  'serviceLevelThresholdS',
  'slTeamsAnsweredOverAnswered',
  'slTeamsAnsweredOverOfferedLessAbandonedWithinT',
  'slTeamsAnsweredOrAbandonedWithinTOverOffered',
  'slTeamsAnsweredOverOffered',
  'slConnectRemovedWithinTOverQueued',
] as const;

export const AGENT_CSV_COLUMNS = [
  'agentId',
  'callQueueId',
  'intervalStart',
  'intervalEnd',
  'offers',
  'answered',
  'missedOffers',
  'callbacksCompleted',
  'handled',
  'talkS',
  'holdS',
  'wrapUpS',
  'ahtS',
  'staffedS',
  'busyS',
  'occupancy',
  'stateAvailableS',
  'stateOfferedS',
  'stateBusyS',
  'stateWrapUpS',
  'stateAwayS',
  'stateOfflineS',
] as const;

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** RFC 4180 CSV, header first, every cell quoted; empty cells for figures undefined in the interval (÷ 0). */
export function callQueueReportCsv(rows: readonly CallQueueReportRow[]): string {
  const records = rows.map((r) => {
    const flat: Record<string, unknown> = {
      ...r,
      serviceLevelThresholdS: r.serviceLevel.thresholdS,
      slTeamsAnsweredOverAnswered: r.serviceLevel.teamsAnsweredOverAnswered,
      slTeamsAnsweredOverOfferedLessAbandonedWithinT: r.serviceLevel.teamsAnsweredOverOfferedLessAbandonedWithinT,
      slTeamsAnsweredOrAbandonedWithinTOverOffered: r.serviceLevel.teamsAnsweredOrAbandonedWithinTOverOffered,
      slTeamsAnsweredOverOffered: r.serviceLevel.teamsAnsweredOverOffered,
      slConnectRemovedWithinTOverQueued: r.serviceLevel.connectRemovedWithinTOverQueued,
    };
    return CALL_QUEUE_CSV_COLUMNS.map((c) => cell(flat[c]));
  });
  return stringify([[...CALL_QUEUE_CSV_COLUMNS], ...records], {
    quoted: true,
    quoted_empty: true,
    record_delimiter: 'windows',
  });
}

export function agentReportCsv(rows: readonly AgentReportRow[]): string {
  const records = rows.map((r) => {
    const flat: Record<string, unknown> = {
      ...r,
      stateAvailableS: r.stateS.available,
      stateOfferedS: r.stateS.offered,
      stateBusyS: r.stateS.busy,
      stateWrapUpS: r.stateS.wrapUp,
      stateAwayS: r.stateS.away,
      stateOfflineS: r.stateS.offline,
    };
    return AGENT_CSV_COLUMNS.map((c) => cell(flat[c]));
  });
  return stringify([[...AGENT_CSV_COLUMNS], ...records], {
    quoted: true,
    quoted_empty: true,
    record_delimiter: 'windows',
  });
}
