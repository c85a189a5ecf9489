/**
 * Output bindings the host (not the worker) carries out: after a successful invocation, every `queue` output
 * binding's value is written to its queue — from `outputData` by binding name, or the return value when the
 * `$return` binding is a queue. An array becomes one message per element, as the host does. Every trigger source
 * (HTTP, queues, timers, Durable activities) invokes through this wrapper, so outputs work the same everywhere.
 */
import { resolveSettingExpression } from '../config/settings';
import { assertQueueName, type QueueService } from '../queues/queue-service';
import type {
  BindingInfo,
  InvocationRequest,
  InvocationResult,
  Invoker,
  Logger,
  RegisteredFunction,
  RpcTypedData,
} from '../types';

export interface QueueOutputTarget {
  bindingName: string;
  queueName: string;
  connectionSetting: string;
}

/** The queue outputs of a function with `%setting%` names resolved (validated at startup). */
export function queueOutputsOf(
  fn: RegisteredFunction,
  settings: Record<string, string | undefined>,
): QueueOutputTarget[] {
  const targets: QueueOutputTarget[] = [];
  for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'out' || binding.type.toLowerCase() !== 'queue') continue;
    targets.push({
      bindingName,
      queueName: resolveQueueName(binding, settings, `${fn.metadata.name}: queue output "${bindingName}"`),
      connectionSetting: connectionSettingOf(binding),
    });
  }
  return targets;
}

export function resolveQueueName(
  binding: BindingInfo,
  settings: Record<string, string | undefined>,
  context: string,
): string {
  const raw = binding.queueName;
  if (typeof raw !== 'string' || raw === '') throw new Error(`${context}: no queueName`);
  const name = resolveSettingExpression(raw, settings);
  assertQueueName(name, context);
  return name;
}

export function connectionSettingOf(binding: BindingInfo): string {
  return typeof binding.connection === 'string' && binding.connection !== ''
    ? binding.connection
    : 'AzureWebJobsStorage';
}

/** Splits one output value into message payloads (array = one message per element). */
export function toQueueMessages(data: RpcTypedData | null | undefined): (string | Buffer)[] {
  if (!data) return [];
  if (typeof data.string === 'string') return [data.string];
  if (data.bytes) return [Buffer.from(data.bytes)];
  if (typeof data.int === 'number') return [String(data.int)];
  if (typeof data.double === 'number') return [String(data.double)];
  if (data.collectionString?.string) return [...data.collectionString.string];
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  if (typeof data.json === 'string') {
    const value: unknown = JSON.parse(data.json);
    if (value === null) return [];
    if (!Array.isArray(value)) return [data.json];
    return value.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item)));
  }
  return [];
}

export class OutputBindingInvoker implements Invoker {
  private readonly targets = new Map<RegisteredFunction, QueueOutputTarget[]>();

  constructor(
    private readonly inner: Invoker,
    private readonly queues: QueueService,
    private readonly settings: Record<string, string | undefined>,
    private readonly connectionString: (setting: string) => string,
    private readonly logger: Logger,
    /** Called after messages were written, so a listener on that queue polls right away. */
    private readonly onQueueWritten: (queueName: string) => void = () => undefined,
  ) {}

  /** Resolves and validates every function's queue outputs (startup errors instead of failures at first write). */
  prepare(functions: RegisteredFunction[]): void {
    for (const fn of functions) this.targets.set(fn, queueOutputsOf(fn, this.settings));
  }

  async invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationResult> {
    const result = await this.inner.invoke(fn, request);
    let targets = this.targets.get(fn);
    if (!targets) {
      targets = queueOutputsOf(fn, this.settings);
      this.targets.set(fn, targets);
    }
    for (const target of targets) {
      const data =
        target.bindingName === '$return'
          ? result.returnValue
          : result.outputData.find((o) => o.name === target.bindingName)?.data;
      const messages = toQueueMessages(data);
      if (messages.length === 0) continue;
      const client = await this.queues.queue(this.connectionString(target.connectionSetting), target.queueName);
      for (const message of messages) await client.sendMessage(this.queues.encode(message));
      this.logger.log(
        'debug',
        `[${fn.metadata.name}] wrote ${messages.length} message(s) to queue ${target.queueName}`,
        {
          functionName: fn.metadata.name,
          invocationId: result.invocationId,
        },
      );
      this.onQueueWritten(target.queueName);
    }
    return result;
  }
}
