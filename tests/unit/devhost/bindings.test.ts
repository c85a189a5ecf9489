import { toQueueMessages } from '../../../devhost/bindings/output-invoker';
import { formatSetCookie, fromRpcHttpResponse } from '../../../devhost/http/http-data';
import { ConsoleLogger, categoryOf, formatLogLine, thresholdFor } from '../../../devhost/logger';
import { QueueService, assertQueueName, messageEncodingFrom } from '../../../devhost/queues/queue-service';

describe('queue output values', () => {
  it('writes one message per array element, and single values as one message', () => {
    expect(toQueueMessages({ json: JSON.stringify(['a', { b: 1 }, 2]) })).toEqual(['a', '{"b":1}', '2']);
    expect(toQueueMessages({ json: JSON.stringify({ a: 1 }) })).toEqual(['{"a":1}']);
    expect(toQueueMessages({ string: '["not","split"]' })).toEqual(['["not","split"]']);
    expect(toQueueMessages({ int: 5 })).toEqual(['5']);
    expect(toQueueMessages({ bytes: new Uint8Array([1, 2]) })).toEqual([Buffer.from([1, 2])]);
    expect(toQueueMessages({ json: 'null' })).toEqual([]);
    expect(toQueueMessages(undefined)).toEqual([]);
  });
});

describe('queue message encoding', () => {
  it('base64-encodes and decodes like the host', () => {
    const q = new QueueService('base64');
    expect(q.encode('héllo')).toBe(Buffer.from('héllo').toString('base64'));
    expect(q.decode(q.encode('{"a":1}'))).toBe('{"a":1}');
    expect(q.decode('not base64!')).toBeUndefined();
  });

  it('passes text through with messageEncoding none', () => {
    const q = new QueueService('none');
    expect(q.encode('raw')).toBe('raw');
    expect(q.decode('raw!')).toBe('raw!');
    expect(messageEncodingFrom('None')).toBe('none');
    expect(messageEncodingFrom(undefined)).toBe('base64');
    expect(() => messageEncodingFrom('utf8')).toThrow(/base64/);
  });

  it('validates queue names', () => {
    expect(() => assertQueueName('orders-1', 'x')).not.toThrow();
    expect(() => assertQueueName('Orders', 'x')).toThrow(/not a valid queue name/);
    expect(() => assertQueueName('a--b', 'x')).toThrow();
    expect(() => assertQueueName('ab', 'x')).toThrow();
  });
});

describe('HTTP responses', () => {
  it('formats cookies as Set-Cookie headers', () => {
    expect(
      formatSetCookie({
        name: 'a',
        value: '1',
        domain: { value: 'example.com' },
        path: { value: '/' },
        expires: { value: { seconds: 0 + 86_400 } },
        secure: { value: true },
        httpOnly: { value: true },
        sameSite: 'strict',
        maxAge: { value: 60 },
      }),
    ).toBe(
      'a=1; Domain=example.com; Path=/; Expires=Fri, 02 Jan 1970 00:00:00 GMT; Max-Age=60; Secure; HttpOnly; SameSite=Strict',
    );
    expect(formatSetCookie({ name: 'b', value: '2', sameSite: 'explicitNone' })).toBe('b=2; SameSite=None');
  });

  it('turns the http output into status, headers and body; nothing → 204', () => {
    const parts = fromRpcHttpResponse({
      http: {
        statusCode: '201',
        headers: { 'x-a': '1', 'content-length': '99' },
        body: { bytes: new Uint8Array([104, 105]) },
      },
    });
    expect(parts.status).toBe(201);
    expect(parts.headers).toEqual([['x-a', '1']]);
    expect(parts.body.toString()).toBe('hi');
    expect(fromRpcHttpResponse(undefined).status).toBe(204);
  });
});

describe('log lines', () => {
  const t = new Date('2024-01-01T00:00:00.000Z');
  it('prefixes a timestamp, the level and the invocation', () => {
    expect(formatLogLine(t, 'information', 'hi')).toBe('[2024-01-01T00:00:00.000Z] hi');
    expect(formatLogLine(t, 'warning', 'careful', { functionName: 'f', invocationId: '12345678-aaaa' })).toBe(
      '[2024-01-01T00:00:00.000Z] [WARN] [f:12345678] careful',
    );
    expect(
      formatLogLine(t, 'information', "Executing 'f' (Id=12345678-aaaa)", {
        functionName: 'f',
        invocationId: '12345678-aaaa',
      }),
    ).toBe("[2024-01-01T00:00:00.000Z] Executing 'f' (Id=12345678-aaaa)");
  });
});

describe('host.json log levels', () => {
  it('picks the longest matching category, then default', () => {
    const levels = { default: 'warning', Function: 'information', 'Function.noisy.User': 'error' } as const;
    expect(thresholdFor('Host.General', levels)).toBe('warning');
    expect(thresholdFor('Function.a', levels)).toBe('information');
    expect(thresholdFor('Function.noisy.User', levels)).toBe('error');
    expect(thresholdFor('Function.noisyx', levels)).toBe('information');
    expect(categoryOf({ functionName: 'f', category: 'user' })).toBe('Function.f.User');
    expect(categoryOf({})).toBe('Host.General');
  });

  it('filters records by category', () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({ write: (l) => lines.push(l), now: () => new Date(0) });
    logger.configureLevels({ default: 'Warning', 'Function.f.User': 'Debug' }, false);
    logger.info('host info');
    logger.warn('host warn');
    logger.log('debug', 'user debug', { functionName: 'f', invocationId: 'x', category: 'user' });
    logger.log('information', 'other info', { functionName: 'g', invocationId: 'y', category: 'user' });
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['[WARN] host warn', '[DEBUG] [f:x] user debug']);
  });
});
