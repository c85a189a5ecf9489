/**
 * One self-service request: the body `{callId, from, collected}`, signed (self-service.rules.ts), POSTed through the
 * line-of-business port with the service's deadline, and the answer checked. Any failure — no answer in time, a
 * non-2xx status, a body that is not the answer — comes back as a reason that names no sent value.
 */
import { LineOfBusinessError, type LineOfBusinessPort } from './self-service.port';
import { signedHeaders } from './self-service.rules';
import { parseSelfServiceAnswer, type SelfServiceAnswer } from './self-service.schema';

export type SelfServiceResult = { ok: true; answer: SelfServiceAnswer } | { ok: false; reason: string };

export async function requestSelfService(
  port: LineOfBusinessPort,
  o: {
    url: string;
    secret: string;
    timeoutS: number;
    body: { callId: string; from?: string; collected: Record<string, string> };
    requestId: string;
    now: number;
  },
): Promise<SelfServiceResult> {
  const text = JSON.stringify(o.body);
  let res: { status: number; text: string };
  try {
    res = await port.post(o.url, {
      headers: signedHeaders(o.secret, o.now, text, o.requestId),
      body: text,
      timeoutMs: o.timeoutS * 1000,
    });
  } catch (e) {
    return { ok: false, reason: e instanceof LineOfBusinessError ? e.message : 'cannot reach it' };
  }
  if (res.status < 200 || res.status > 299) return { ok: false, reason: `it answered ${res.status}` };
  const parsed = parseSelfServiceAnswer(res.text);
  return parsed.ok ? { ok: true, answer: parsed.value } : { ok: false, reason: parsed.reason };
}
