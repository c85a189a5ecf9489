/**
 * The CLI's client of Switchboard's HTTP API (DESIGN.md "HTTP API (v1)"). Errors come back as problem+json; they are
 * turned into {@link ApiError} with the server's per-field messages, so the CLI can say what to fix.
 */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field?: string; row?: number; line?: number; message: string }[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** Retry-After of the response (seconds), when it had one. */
    readonly retryAfter?: string,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    return (await this.send<T>(method, path, { body, contentType })).body;
  }

  /** A request with extra headers and a raw (string or bytes) body; answers the parsed body and the headers. */
  async send<T>(
    method: string,
    path: string,
    o: { body?: unknown; contentType?: string; headers?: Record<string, string>; accept?: string } = {},
  ): Promise<{ status: number; headers: Headers; body: T }> {
    const headers: Record<string, string> = { accept: o.accept ?? 'application/json', ...o.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: string | Uint8Array | undefined;
    if (o.body !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/json';
      payload = typeof o.body === 'string' || o.body instanceof Uint8Array ? o.body : JSON.stringify(o.body);
    }
    const url = new URL(path.replace(/^\//, ''), this.options.baseUrl.replace(/\/?$/, '/'));
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: payload });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new Error(`cannot reach ${url.origin}${cause ? ` (${cause})` : ''}: is the app running (npm start)?`);
    }
    const text = await res.text();
    if (res.ok && !/json/i.test(res.headers.get('content-type') ?? 'json')) {
      return { status: res.status, headers: res.headers, body: text as T };
    }
    const parsed = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const problem: Problem =
        parsed && typeof parsed === 'object'
          ? (parsed as Problem)
          : { status: res.status, detail: text || res.statusText };
      throw new ApiError(res.status, problem, res.headers.get('retry-after') ?? undefined);
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Formats rows as an aligned text table (a few lines; no dependency needed for this). */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join('\n');
}
