/**
 * The devhost's console logger: one readable line per record, with a timestamp, like `func start`'s output
 * (`[2026-01-01T10:00:00.000Z] Executing 'hello' (Id=…)`). Debug/trace records only show with `--verbose`.
 */
import type { LogLevel, Logger } from './types';

const RANK: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

export interface ConsoleLoggerOptions {
  verbose?: boolean;
  /** Where lines go (default: stdout for info and below, stderr for warnings and errors). */
  write?: (line: string, level: LogLevel) => void;
  /** Clock, for deterministic output in tests. */
  now?: () => Date;
}

/** host.json level names (Trace … None) → the worker's level names. */
export function parseLevelName(name: unknown): LogLevel | undefined {
  const lower = String(name).toLowerCase();
  return (Object.keys(RANK) as LogLevel[]).find((l) => l === lower || (l === 'information' && lower === 'info'));
}

/**
 * The host's log category of a record: `Function.<name>.User` for what the function logs, `Function.<name>` for
 * the host's lines about an invocation, `Host.General` otherwise.
 */
export function categoryOf(fields?: Record<string, unknown>): string {
  const fn = typeof fields?.functionName === 'string' ? fields.functionName : undefined;
  if (!fn) return 'Host.General';
  return fields?.category === 'user' ? `Function.${fn}.User` : `Function.${fn}`;
}

/** host.json `logging.logLevel`: the longest matching category prefix wins, then `default`, then Information. */
export function thresholdFor(category: string, levels: Record<string, LogLevel>): LogLevel {
  const lower = category.toLowerCase();
  let best: [number, LogLevel] | undefined;
  for (const [key, level] of Object.entries(levels)) {
    const k = key.toLowerCase();
    if (k === 'default') continue;
    if ((lower === k || lower.startsWith(`${k}.`)) && (!best || k.length > best[0])) best = [k.length, level];
  }
  if (best) return best[1];
  const fallback = Object.entries(levels).find(([k]) => k.toLowerCase() === 'default');
  return fallback ? fallback[1] : 'information';
}

export class ConsoleLogger implements Logger {
  private minRank: number;
  private levels: Record<string, LogLevel> | undefined;
  private readonly write: (line: string, level: LogLevel) => void;
  private readonly now: () => Date;

  constructor(options: ConsoleLoggerOptions = {}) {
    this.minRank = options.verbose ? RANK.trace : RANK.information;
    this.write =
      options.write ??
      ((line, level) => (RANK[level] >= RANK.warning ? process.stderr : process.stdout).write(line + '\n'));
    this.now = options.now ?? (() => new Date());
  }

  /** Applies host.json `logging.logLevel` (ignored with --verbose, which shows everything). */
  configureLevels(logLevel: unknown, verbose: boolean): void {
    if (verbose || !logLevel || typeof logLevel !== 'object') return;
    const levels: Record<string, LogLevel> = {};
    for (const [category, name] of Object.entries(logLevel as Record<string, unknown>)) {
      const level = parseLevelName(name);
      if (level) levels[category] = level;
    }
    this.levels = levels;
    this.minRank = RANK.trace;
  }

  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (level === 'none' || RANK[level] < this.minRank) return;
    // `force`: start-up output func always prints (the function list), whatever logging.logLevel says.
    const filtered = this.levels && fields?.force !== true;
    if (filtered && RANK[level] < RANK[thresholdFor(categoryOf(fields), this.levels!)]) return;
    this.write(formatLogLine(this.now(), level, message, fields), level);
  }

  info(message: string): void {
    this.log('information', message);
  }

  warn(message: string): void {
    this.log('warning', message);
  }

  error(message: string): void {
    this.log('error', message);
  }
}

const LEVEL_TAG: Record<LogLevel, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  information: '',
  warning: 'WARN',
  error: 'ERROR',
  critical: 'CRIT',
  none: '',
};

/**
 * `[time] [WARN] message` — user logs from a function carry `[functionName:invocationId]` unless the message already
 * names the invocation (the invoker's own Executing/Executed lines do).
 */
export function formatLogLine(time: Date, level: LogLevel, message: string, fields?: Record<string, unknown>): string {
  const parts = [`[${time.toISOString()}]`];
  if (LEVEL_TAG[level]) parts.push(`[${LEVEL_TAG[level]}]`);
  const fn = typeof fields?.functionName === 'string' ? fields.functionName : undefined;
  const id = typeof fields?.invocationId === 'string' ? fields.invocationId : undefined;
  if (fn && id && !message.includes(id)) {
    parts.push(`[${fn}:${id.slice(0, 8)}]`);
  }
  parts.push(message);
  return parts.join(' ');
}
