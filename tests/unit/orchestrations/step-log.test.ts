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
