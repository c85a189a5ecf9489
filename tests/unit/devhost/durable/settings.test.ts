import os from 'node:os';
import { durableSettings } from '../../../../devhost/durable';
import type { HostContext } from '../../../../devhost/types';

const ctx = (hostJson: HostContext['hostJson'], settings: Record<string, string> = {}): HostContext =>
  ({ hostJson, settings }) as unknown as HostContext;

test('defaults: TestHubName, 4 partitions, concurrency from the core count, 30 s leases', () => {
  const s = durableSettings(ctx({ version: '2.0' }));
  expect(s.hubName).toBe('TestHubName');
  expect(s.partitionCount).toBe(4);
  expect(s.settings.maxConcurrentActivities).toBe(50 * os.cpus().length);
  expect(s.settings.controlLeaseSeconds).toBe(30);
  expect(s.settings.maximumShortTimer).toBe('6.00:00:00');
});

test('host.json values, matched case-insensitively, with %setting% expressions', () => {
  const s = durableSettings(
    ctx(
      {
        extensions: {
          DurableTask: {
            HubName: '%HUB%',
            maxConcurrentActivityFunctions: 3,
            storageProvider: {
              PartitionCount: 2,
              controlQueueVisibilityTimeout: '00:01:00',
              workItemQueueVisibilityTimeout: 12,
            },
          },
        },
      } as unknown as HostContext['hostJson'],
      { HUB: 'FromSettings' },
    ),
  );
  expect(s.hubName).toBe('FromSettings');
  expect(s.partitionCount).toBe(2);
  expect(s.settings.maxConcurrentActivities).toBe(3);
  expect(s.settings.controlLeaseSeconds).toBe(60);
  expect(s.settings.workItemLeaseSeconds).toBe(12);
});
