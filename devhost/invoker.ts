/**
 * Drives one invocation through the library's own InvocationModel, in the order the Node.js worker uses
 * (reference §1.3): getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse.
 */
import { randomUUID } from 'node:crypto';
import type { CoreApiRegistry } from './core-api';
import {
  InvocationError,
  type BindingInfo,
  type InvocationRequest,
  type InvocationResult,
  type Invoker,
  type LogLevel,
  type Logger,
  type RegisteredFunction,
  type RpcTypedData,
} from './types';

/** Supplies the data of a non-trigger input binding (e.g. the durable client); undefined = not supported. */
export type InputProvider = (binding: BindingInfo, fn: RegisteredFunction) => RpcTypedData | undefined;

export class WorkerInvoker implements Invoker {
  constructor(
    private readonly registry: CoreApiRegistry,
    private readonly logger: Logger,
    private readonly inputProvider: InputProvider,
  ) {}

  async invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationResult> {
    const model = this.registry.programmingModel;
    if (!model) throw new Error('The app registered no programming model (did it call app.* from @azure/functions?)');
    const invocationId = request.invocationId ?? randomUUID();
    const name = fn.metadata.name;
    const inputData: { name: string; data: RpcTypedData }[] = [
      { name: fn.triggerBindingName, data: request.triggerData },
    ];
    for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
      if (bindingName === fn.triggerBindingName || binding.direction !== 'in') continue;
      const data = this.inputProvider(binding, fn);
      if (data === undefined) {
        this.logger.warn(
          `[${name}] input binding "${bindingName}" of type ${binding.type} is not supported by the devhost`,
        );
        continue;
      }
      inputData.push({ name: bindingName, data });
    }

    // Set once the library built it, so log hooks see the invocation's context (as in the worker).
    let invocationContext: unknown;
    const coreCtx: Record<string, unknown> = {
      invocationId,
      request: {
        invocationId,
        functionId: name,
        inputData,
        triggerMetadata: request.triggerMetadata ?? {},
        retryContext: request.retryContext,
      },
      metadata: { name, bindings: fn.metadata.bindings },
      state: undefined,
      log: (level: LogLevel, category: string, message: string) => {
        const final = this.registry.runLogHooks(level, category, message, invocationContext);
        this.logger.log(final.level, final.message, { functionName: name, invocationId, category });
      },
    };

    const startedAt = process.hrtime.bigint();
    this.logger.log('information', `Executing '${name}' (Id=${invocationId})`, { functionName: name, invocationId });
    try {
      const invocationModel = model.getInvocationModel(coreCtx);
      const { context, inputs: initialInputs } = await invocationModel.getArguments();
      invocationContext = context;
      const hookData: Record<string, unknown> = {};

      const pre: Record<string, unknown> = {
        hookData,
        appHookData: this.registry.appHookData,
        invocationContext: context,
        functionCallback: fn.handler,
        inputs: initialInputs,
      };
      coreCtx.state = 'preInvocationHooks';
      await this.registry.runHooks('preInvocation', pre);

      coreCtx.state = 'invocation';
      const inputs = pre.inputs as unknown[];
      const handler = pre.functionCallback as (...args: unknown[]) => unknown;
      let result: unknown;
      let error: unknown;
      try {
        result = await invocationModel.invokeFunction(context, inputs, handler);
      } catch (err) {
        error = err;
      }

      const post: Record<string, unknown> = {
        hookData,
        appHookData: this.registry.appHookData,
        invocationContext: context,
        inputs,
        result,
        error,
      };
      coreCtx.state = 'postInvocationHooks';
      await this.registry.runHooks('postInvocation', post);
      coreCtx.state = undefined;
      if (post.error !== undefined && post.error !== null) throw post.error;

      const response = await invocationModel.getResponse(context, post.result);
      this.logger.log(
        'information',
        `Executed '${name}' (Succeeded, Id=${invocationId}, Duration=${elapsedMs(startedAt)}ms)`,
        {
          functionName: name,
          invocationId,
        },
      );
      return {
        invocationId,
        outputData: (response.outputData ?? []) as InvocationResult['outputData'],
        returnValue: response.returnValue as RpcTypedData | null | undefined,
      };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.logger.log(
        'error',
        `Executed '${name}' (Failed, Id=${invocationId}, Duration=${elapsedMs(startedAt)}ms)\n${e.stack ?? e.message}`,
        { functionName: name, invocationId },
      );
      throw new InvocationError(name, invocationId, e.message, e.stack);
    }
  }
}

function elapsedMs(start: bigint): number {
  return Number((process.hrtime.bigint() - start) / 1_000_000n);
}

/** Reads typed data back into a JS value, as the library does for `string`/`json` (used for return values). */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) {
    try {
      return JSON.parse(data.string);
    } catch {
      return data.string;
    }
  }
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.collectionString?.string) return data.collectionString.string;
  return undefined;
}
