// Pure parts of the calls engine: the prompt WAV check, the callback-token issuer mix, the calls/presence limiter.
import { Guard } from '../../../simulator/guard';
import { wavProblem } from '../../../simulator/calls/wav';
import { defaultFaults, mergeFaults } from '../../../simulator/settings';

function wav(channels = 1, rate = 16000, bits = 16, format = 1, extraChunk = false): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  const list = Buffer.alloc(8 + 5 + 1);
  list.write('LIST', 0, 'ascii');
  list.writeUInt32LE(5, 4); // odd length: padded to even
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'ascii');
  head.write('WAVE', 8, 'ascii');
  return Buffer.concat([head, ...(extraChunk ? [list] : []), fmt]);
}

describe('prompt WAV check', () => {
  test('mono 16-bit 16 kHz PCM passes, also behind another chunk', () => {
    expect(wavProblem(wav())).toBeNull();
    expect(wavProblem(wav(1, 16000, 16, 1, true))).toBeNull();
  });
  test.each([
    ['stereo', wav(2)],
    ['8 kHz', wav(1, 8000)],
    ['8-bit', wav(1, 16000, 8)],
    ['IEEE float', wav(1, 16000, 16, 3)],
    ['not RIFF', Buffer.from('ID3 mp3 data here')],
    ['no fmt chunk', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')])],
  ])('%s fails with 8535', (_name, b) => {
    expect(wavProblem(b)).toMatchObject({ subcode: 8535 });
  });
});

describe('knobs', () => {
  test('the new call knobs have Graph-like defaults and validate', () => {
    const f = defaultFaults();
    expect(f).toMatchObject({
      keepAliveTimeoutMs: 2700000,
      callsRequestsPer15s: 50000,
      presenceRequestsPer30s: 1500,
      promptFetch: true,
    });
    expect(() => mergeFaults(f, { establishSwapProbability: 1.5 })).toThrow();
    expect(() => mergeFaults(f, { graphIssuerFraction: -1 })).toThrow();
    expect(() => mergeFaults(f, { promptFetch: 'no' })).toThrow();
    expect(mergeFaults(f, { promptFetch: false }).promptFetch).toBe(false);
  });
});

describe('service limits', () => {
  test('a window limit lets `limit` requests through, then 429 with Retry-After; other keys are not affected', () => {
    const g = new Guard(() => defaultFaults());
    const key = 'presence|t|a';
    for (let i = 0; i < 3; i++) expect(g.limit(key, 3, 30).kind).toBe('ok');
    const d = g.limit(key, 3, 30);
    expect(d).toMatchObject({ kind: 'throttled' });
    expect(d.kind === 'throttled' && d.retryAfter).toBeGreaterThanOrEqual(1);
    expect(g.limit('presence|t|other', 3, 30).kind).toBe('ok');
    expect(g.limit(key, 0, 30).kind).toBe('ok');
    expect(g.stats.requestsByService.presence).toBe(5);
  });
});
