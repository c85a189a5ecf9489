import { invokeWithRetry, retryPolicyOf } from '../../../devhost/bindings/retry';
import {
  InvocationError,
  type InvocationRequest,
  type InvocationResult,
  type Invoker,
  type RegisteredFunction,
} from '../../../devhost/types';

function fnWith(retryOptions: unknown): RegisteredFunction {
  const trigger = { type: 'timerTrigger', direction: 'in' as const, schedule: '* * * * * *' };
  return {
    metadata: { name: 't', bindings: { timer: trigger }, retryOptions },
    handler: () => undefined,
    triggerBindingName: 'timer',
    trigger,
  };
}

/** An invoker whose first `failures` invocations fail; it records the retry contexts it was given. */
class FlakyInvoker implements Invoker {
  readonly contexts: InvocationRequest['retryContext'][] = [];
  constructor(private failures: number) {}
  async invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationResult> {
    this.contexts.push(request.retryContext);
    if (this.failures-- > 0)
      throw new InvocationError(fn.metadata.name, 'id', `failure ${this.contexts.length}`, 'stack');
    return { invocationId: 'id', outputData: [] };
  }
}

describe('retry policies', () => {
  it("reads the library's retryOptions (durations as {seconds})", () => {
    const fixed = retryPolicyOf(
      fnWith({ retryStrategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 3 } }),
    )!;
    expect(fixed.strategy).toBe('fixedDelay');
    expect([1, 2].map(fixed.delayMs)).toEqual([3000, 3000]);
    const exp = retryPolicyOf(
      fnWith({
        strategy: 'exponentialBackoff',
        maxRetryCount: 5,
        minimumInterval: { seconds: 1 },
        maximumInterval: { seconds: 5 },
      }),
    )!;
    expect([1, 2, 3, 4, 5].map(exp.delayMs)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(retryPolicyOf(fnWith(undefined))).toBeUndefined();
  });

  it('retries with a retry context until success', async () => {
    const invoker = new FlakyInvoker(2);
    const delays: number[] = [];
    const policy = retryPolicyOf(fnWith({ strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 1 } }));
    await invokeWithRetry(
      invoker,
      fnWith(undefined),
      { triggerData: {} },
      policy,
      () => false,
      async (ms) => {
        delays.push(ms);
      },
    );
    expect(invoker.contexts).toEqual([
      undefined,
      { retryCount: 1, maxRetryCount: 3, exception: { message: 'failure 1', stackTrace: 'stack', source: 't' } },
      { retryCount: 2, maxRetryCount: 3, exception: { message: 'failure 2', stackTrace: 'stack', source: 't' } },
    ]);
    expect(delays).toEqual([1000, 1000]);
  });

  it('gives up after maxRetryCount retries, or when the host stops', async () => {
    const policy = retryPolicyOf(fnWith({ strategy: 'fixedDelay', maxRetryCount: 1, delayInterval: 0 }));
    const invoker = new FlakyInvoker(5);
    await expect(
      invokeWithRetry(
        invoker,
        fnWith(undefined),
        { triggerData: {} },
        policy,
        () => false,
        async () => undefined,
      ),
    ).rejects.toThrow('failure 2');
    expect(invoker.contexts).toHaveLength(2);
    const stopping = new FlakyInvoker(5);
    await expect(invokeWithRetry(stopping, fnWith(undefined), { triggerData: {} }, policy, () => true)).rejects.toThrow(
      'failure 1',
    );
    expect(stopping.contexts).toHaveLength(1);
  });
});
