import fc from 'fast-check';
import {
  escapeKey,
  fnv1a,
  historyRowKey,
  partitionOf,
  taskHubNames,
  unescapeKey,
  validateHubName,
  validateInstanceId,
} from '../../../../devhost/durable/naming';

test('FNV-1a 32-bit matches the published test vectors', () => {
  expect(fnv1a('')).toBe(0x811c9dc5);
  expect(fnv1a('a')).toBe(0xe40c292c);
  expect(fnv1a('foobar')).toBe(0xbf9cf968);
});

test('partition = FNV-1a(instanceId) mod partition count', () => {
  expect(partitionOf('foobar')).toBe(0xbf9cf968 % 4);
  expect(partitionOf('a', 16)).toBe(0xe40c292c % 16);
  fc.assert(fc.property(fc.string(), (id) => partitionOf(id) >= 0 && partitionOf(id) < 4));
});

test('task hub names: validated like the extension, queues lower-cased', () => {
  expect(taskHubNames('MyHub1')).toEqual({
    hub: 'MyHub1',
    instancesTable: 'MyHub1Instances',
    historyTable: 'MyHub1History',
    controlQueues: ['myhub1-control-00', 'myhub1-control-01', 'myhub1-control-02', 'myhub1-control-03'],
    workItemQueue: 'myhub1-workitems',
  });
  expect(validateHubName('TestHubName')).toBe('TestHubName');
  for (const bad of ['ab', '1hub', 'my-hub', 'hub_1', 'x'.repeat(46), '']) expect(() => validateHubName(bad)).toThrow();
  expect(() => validateHubName('a'.repeat(45))).not.toThrow();
});

test('table key escaping round-trips and removes forbidden characters', () => {
  expect(escapeKey('a/b\\c#d?e%f')).toBe('a%2fb%5cc%23d%3fe%25f');
  fc.assert(
    fc.property(fc.string(), (s) => {
      const escaped = escapeKey(s);
      // eslint-disable-next-line no-control-regex
      return unescapeKey(escaped) === s && !/[/\\#?\u0000-\u001f]/.test(escaped);
    }),
  );
});

test('instance ids', () => {
  expect(validateInstanceId('provision:tenant:user@x.com')).toBeUndefined();
  expect(validateInstanceId('')).toBeDefined();
  expect(validateInstanceId('a/b')).toBeDefined();
  expect(validateInstanceId('@entity')).toBeDefined();
  expect(validateInstanceId('x'.repeat(257))).toBeDefined();
});

test('history row keys sort by position', () => {
  expect(historyRowKey(0)).toBe('0000000000000000');
  expect(historyRowKey(255)).toBe('00000000000000ff');
  const keys = [3, 100, 17, 4096, 0].map(historyRowKey);
  expect([...keys].sort()).toEqual([0, 3, 17, 100, 4096].map(historyRowKey));
});
