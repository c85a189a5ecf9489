/** The step log publishes only what changed since its last publish, and everything the first time. */
import { StepLog } from '../../../orchestrations/provisioning/step-log';

describe('StepLog.unpublished', () => {
  it('hands out each change once', () => {
    let t = 0;
    const log = new StepLog(() => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
    const first = log.start('checkConsent');
    expect(log.unpublished().map((s) => s.name)).toEqual(['checkConsent']);
    log.markPublished(log.unpublished());
    expect(log.unpublished()).toEqual([]);

    log.end(first, 'Succeeded');
    log.start('preflight');
    expect(log.unpublished().map((s) => [s.name, s.status])).toEqual([
      ['checkConsent', 'Succeeded'],
      ['preflight', 'Running'],
    ]);
    log.markPublished(log.unpublished());

    const step = log.current!;
    log.attempt(step, 'throttled');
    expect(log.unpublished()).toEqual([
      expect.objectContaining({ name: 'preflight', attempts: 1, error: 'throttled' }),
    ]);
  });
});

describe('StepLog.done and skip', () => {
  it('record steps that need no activity: done once and Succeeded, or Skipped', () => {
    let t = 0;
    const log = new StepLog(() => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
    log.done('ensureApplicationId');
    log.skip('bindToQueue');
    expect(log.steps.map(({ name, status, attempts }) => ({ name, status, attempts }))).toEqual([
      { name: 'ensureApplicationId', status: 'Succeeded', attempts: 1 },
      { name: 'bindToQueue', status: 'Skipped', attempts: 0 },
    ]);
    expect(log.steps.every((s) => s.startedAt && s.endedAt)).toBe(true);
  });
});
