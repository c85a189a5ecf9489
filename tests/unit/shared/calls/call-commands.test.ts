import { executeCallCommand } from '../../../../shared/calls/call-commands';
import { CallControl, CallGoneError, CallControlError } from '../../../../shared/calls/call-control.port';

/** An in-process CallControl that records calls (pure unit test of the command → port mapping). */
function recorder(fail?: Error): { cc: CallControl; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const handler =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      if (fail) throw fail;
      if (name === 'hangUp') return 'ended';
      return { id: 'op', status: 'running' };
    };
  const cc = new Proxy({ tenantId: 't' } as CallControl, {
    get: (_target, prop) => (prop === 'tenantId' ? 't' : handler(String(prop))),
  });
  return { cc, calls };
}

describe('executeCallCommand', () => {
  it('maps each command to its port operation', async () => {
    const { cc, calls } = recorder();
    await executeCallCommand(cc, {
      op: 'answer',
      callId: 'c',
      callbackUri: 'https://cb',
      acceptedModalities: ['audio'],
    });
    await executeCallCommand(cc, { op: 'reject', callId: 'c', reason: 'busy' });
    await executeCallCommand(cc, {
      op: 'redirect',
      callId: 'c',
      targets: [{ kind: 'user', userId: 'u' }],
      timeoutS: 20,
      callbackUri: 'https://cb',
      routingPolicies: ['disableForwarding'],
    });
    await executeCallCommand(cc, {
      op: 'transfer',
      callId: 'c',
      target: { kind: 'user', userId: 'u' },
      clientContext: 'x',
      transfereeParticipantId: 'p',
    });
    await executeCallCommand(cc, {
      op: 'invite',
      callId: 'c',
      targets: [{ kind: 'user', userId: 'u' }],
      clientContext: 'i',
    });
    await executeCallCommand(cc, { op: 'startHoldMusic', callId: 'c', participantId: 'p', clientContext: 'h' });
    await executeCallCommand(cc, { op: 'stopHoldMusic', callId: 'c', participantId: 'p', clientContext: 'h2' });
    expect(await executeCallCommand(cc, { op: 'hangUp', callId: 'c' })).toEqual({ op: 'hangUp', outcome: 'done' });
    expect(calls).toEqual([
      ['answer', 'c', { callbackUri: 'https://cb' }],
      ['reject', 'c', 'busy'],
      [
        'redirect',
        'c',
        {
          targets: [{ kind: 'user', userId: 'u' }],
          timeoutS: 20,
          callbackUri: 'https://cb',
          routingPolicies: ['disableForwarding'],
        },
      ],
      ['transfer', 'c', { target: { kind: 'user', userId: 'u' }, clientContext: 'x', transfereeParticipantId: 'p' }],
      ['invite', 'c', { participants: [{ target: { kind: 'user', userId: 'u' } }], clientContext: 'i' }],
      ['startHoldMusic', 'c', 'p', { clientContext: 'h' }],
      ['stopHoldMusic', 'c', 'p', 'h2'],
      ['hangUp', 'c'],
    ]);
  });

  it('a gone call is an outcome, any other failure is thrown', async () => {
    const gone = recorder(new CallGoneError({ operation: 'POST x', message: 'gone', status: 404 }));
    await expect(executeCallCommand(gone.cc, { op: 'reject', callId: 'c', reason: 'none' })).resolves.toEqual({
      op: 'reject',
      outcome: 'gone',
    });
    const bad = recorder(new CallControlError({ kind: 'badRequest', operation: 'POST x', message: 'no' }));
    await expect(executeCallCommand(bad.cc, { op: 'hangUp', callId: 'c' })).rejects.toThrow('no');
  });
});
