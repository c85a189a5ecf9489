// Calls Switchboard's HTTP API (docs/api.md) with the signed-in person's token; problem+json errors become ApiProblem.
import type { Auth } from './auth';

export interface FieldProblem {
  field?: string;
  message: string;
  row?: number;
  line?: number;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  [k: string]: unknown;
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  /** The message for one field (the API names fields as in the request body). */
  field(name: string): string | undefined {
    return this.problem.errors
      ?.filter((e) => e.field === name)
      .map((e) => e.message)
      .join(' ');
  }
}

export class Api {
  constructor(private readonly auth: Auth | null) {}

  get tenantId(): string {
    return this.auth?.person?.tenantId ?? '';
  }

  tenantPath(rest: string): string {
    return `/api/tenants/${encodeURIComponent(this.tenantId)}${rest}`;
  }

  async request(
    method: string,
    path: string,
    o: {
      body?: unknown;
      contentType?: string;
      headers?: Record<string, string>;
      anonymous?: boolean;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (!o.anonymous && this.auth) headers.authorization = `Bearer ${await this.auth.token()}`;
    let body: BodyInit | undefined;
    if (o.body !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/json';
      // Text and files (a prompt's WAV) go as they are; anything else as JSON.
      body = typeof o.body === 'string' || o.body instanceof Blob ? o.body : JSON.stringify(o.body);
    }
    const res = await fetch(path, { method, headers, body, signal: o.signal });
    if (res.status >= 400 && !(method === 'GET' && path === '/api/health' && res.status === 503)) {
      throw new ApiProblem(await problemOf(res));
    }
    return res;
  }

  async json<T>(method: string, path: string, o: Parameters<Api['request']>[2] = {}): Promise<T> {
    const res = await this.request(method, path, o);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    return { ...body, title: body.title ?? res.statusText, status: body.status ?? res.status } as Problem;
  } catch {
    return { title: res.statusText || `HTTP ${res.status}`, status: res.status, detail: text.slice(0, 300) };
  }
}
