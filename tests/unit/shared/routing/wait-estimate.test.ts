import fc from 'fast-check';
import { estimateWaitS, ewma, naiveWaitS, type EstimateAgent } from '../../../../shared/routing';
import { positionAndWaitPrompts } from '../../../../shared/menus';

const NOW = 1_000_000;
const busy = (elapsedS: number): EstimateAgent => ({ state: 'busy', since: NOW - elapsedS * 1000 });
const free: EstimateAgent = { state: 'available', since: NOW - 60_000 };

test('an idle agent serves the next caller at once; the naive estimate says AHT ÷ N', () => {
  const i = { now: NOW, callsAhead: 0, agents: [free, busy(10)], handleTimeS: 120 };
  expect(estimateWaitS(i)).toBe(0);
  expect(naiveWaitS(i)).toBe(60);
});

test('calls beyond the idle agents are served at the rate staffed agents finish calls; wrap-up counts', () => {
  const agents = [busy(100), busy(20)];
  expect(estimateWaitS({ now: NOW, callsAhead: 0, agents, handleTimeS: 120 })).toBe(60);
  expect(estimateWaitS({ now: NOW, callsAhead: 2, agents, handleTimeS: 120 })).toBe(180);
  expect(estimateWaitS({ now: NOW, callsAhead: 2, agents: [free, ...agents], handleTimeS: 120, wrapUpS: 30 })).toBe(
    100,
  );
  expect(estimateWaitS({ now: NOW, callsAhead: 0, agents: [], handleTimeS: 120 })).toBeUndefined();
});

test('property: the wait never decreases with more calls ahead, never increases with more agents', () => {
  const agent = fc.record({
    state: fc.constantFrom<EstimateAgent['state']>('available', 'offered', 'busy', 'wrapUp'),
    since: fc.integer({ min: NOW - 900_000, max: NOW }),
  });
  fc.assert(
    fc.property(
      fc.array(agent, { minLength: 1, maxLength: 8 }),
      agent,
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 10, max: 900 }),
      (agents, extra, ahead, aht) => {
        const base = { now: NOW, agents, handleTimeS: aht, wrapUpS: 5 };
        const w = estimateWaitS({ ...base, callsAhead: ahead })!;
        expect(w).toBeGreaterThanOrEqual(0);
        expect(estimateWaitS({ ...base, callsAhead: ahead + 1 })!).toBeGreaterThanOrEqual(w);
        expect(estimateWaitS({ ...base, callsAhead: ahead, agents: [...agents, extra] })!).toBeLessThanOrEqual(w);
      },
    ),
  );
});

test('the exponential average weighs a new handle time by a quarter (Asterisk)', () => {
  expect(ewma(undefined, 100)).toBe(100);
  expect(ewma(100, 200)).toBe(125);
});

test('what the caller hears: position, then the wait in whole minutes', () => {
  expect(positionAndWaitPrompts(3, 230)).toEqual(['caller-number', 'n-3', 'expected-wait', 'n-4', 'minutes']);
  expect(positionAndWaitPrompts(21, 45)).toEqual([
    'caller-number',
    'n-20',
    'n-1',
    'expected-wait',
    'less-than-a-minute',
  ]);
  expect(positionAndWaitPrompts(1, 60)).toEqual(['caller-number', 'n-1', 'expected-wait', 'n-1', 'minute']);
  expect(positionAndWaitPrompts(2, 7200)).toEqual(['caller-number', 'n-2', 'expected-wait', 'more-than-an-hour']);
  expect(positionAndWaitPrompts(1, undefined)).toEqual(['caller-number', 'n-1']);
});
