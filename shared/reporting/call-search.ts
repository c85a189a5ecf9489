/**
 * The call search's query string (`GET …/calls?from&to&callQueueId&agent&result&caller`), read at the edge: every bad
 * field named at once. `top` and `continuationToken` are the API's paging parameters, read by the trigger.
 */
import type { FieldProblem } from '../http/problem';
import type { ContactOutcome } from './contact-record';
import { parseInstant } from './report-query';

/** The parameters that make `GET …/calls` a search of finished calls rather than the live view. */
export const CALL_SEARCH_PARAMS = ['from', 'to', 'agent', 'result', 'caller'] as const;

export const CALL_RESULTS: readonly ContactOutcome[] = [
  'answered',
  'abandoned',
  'overflowed',
  'timedOut',
  'noAgent',
  'callback',
  'rejected',
  'ended',
];

export const MAX_SEARCH_RANGE_MS = 31 * 86_400_000;

export interface CallSearch {
  from: number;
  to: number;
  result?: ContactOutcome;
  /** An agent's object id or user principal name (contains `@`). */
  agent?: string;
  /** The caller's number, digits and a leading `+` only. */
  caller?: string;
  callQueueId?: string;
}

export function parseCallSearch(
  get: (name: string) => string | null,
): { ok: true; search: CallSearch } | { ok: false; errors: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const from = parseInstant(get('from'));
  const to = parseInstant(get('to'));
  if (from === undefined) errors.push({ field: 'from', message: 'is required: an ISO 8601 date or time' });
  if (to === undefined) errors.push({ field: 'to', message: 'is required: an ISO 8601 date or time' });
  if (from !== undefined && to !== undefined) {
    if (to <= from) errors.push({ field: 'to', message: 'must be after from' });
    else if (to - from > MAX_SEARCH_RANGE_MS) errors.push({ field: 'to', message: 'a search covers at most 31 days' });
  }
  const result = get('result') ?? undefined;
  if (result !== undefined && !CALL_RESULTS.includes(result as ContactOutcome))
    errors.push({ field: 'result', message: `must be one of ${CALL_RESULTS.join(', ')}` });
  const agent = get('agent') ?? undefined;
  if (agent !== undefined && !/^[0-9a-f-]{36}$/i.test(agent) && !/^[^@\s]+@[^@\s]+$/.test(agent))
    errors.push({ field: 'agent', message: "must be an agent's object id or user principal name" });
  const caller = get('caller')?.replace(/[\s().-]/g, '') ?? undefined;
  if (caller !== undefined && !/^\+?[0-9]{3,20}$/.test(caller))
    errors.push({ field: 'caller', message: 'must be a phone number, e.g. +14255550100' });
  const callQueueId = get('callQueueId') ?? undefined;
  if (callQueueId !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(callQueueId))
    errors.push({ field: 'callQueueId', message: 'must be a call queue id (letters, digits, . _ -; at most 64)' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    search: {
      from: from!,
      to: to!,
      ...(result ? { result: result as ContactOutcome } : {}),
      ...(agent ? { agent: agent.toLowerCase() } : {}),
      ...(caller ? { caller } : {}),
      ...(callQueueId ? { callQueueId } : {}),
    },
  };
}
