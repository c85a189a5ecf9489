/**
 * HTTP conformance of the devhost against a plain-JS v4 fixture app: routes and templates, precedence, 404/405,
 * bodies (JSON, text, binary), headers, status codes, cookies, the route prefix and its host.json env override.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { cleanupTempApps, copyFixture, startDevhost, type DevhostProcess } from '../../support/devhost-harness';

interface Described {
  function: string;
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
}

describe('devhost HTTP', () => {
  let host: DevhostProcess;
  beforeAll(async () => {
    host = await startDevhost(copyFixture('http-routes'));
  });
  afterAll(async () => {
    await host?.stop();
    cleanupTempApps();
  });

  async function call(path: string, init?: RequestInit): Promise<Response> {
    return fetch(`${host.origin}${path}`, init);
  }
  async function described(path: string, init?: RequestInit): Promise<Described> {
    const res = await call(path, init);
    expect(res.status).toBe(200);
    return (await res.json()) as Described;
  }

  it('prints a banner listing every function with its methods and URL', () => {
    const out = host.output();
    expect(out).toContain('Functions:');
    expect(out).toContain(`\thello: [GET] ${host.origin}/api/hello`);
    expect(out).toContain(`\tproductById: [GET] ${host.origin}/api/products/{id:int}`);
    expect(out).toContain(`\tthingWrite: [PUT,DELETE] ${host.origin}/api/things/{id}`);
    expect(out.match(/devhost ready: /g)).toHaveLength(1);
  });

  it('routes to the function name by default, matching literals case-insensitively', async () => {
    expect((await described('/api/hello')).function).toBe('hello');
    expect((await described('/API/Hello/')).function).toBe('hello');
    expect((await described('/api/mixed/case')).function).toBe('mixedCase');
  });

  it('gives the function an absolute URL, the query and the route parameters', async () => {
    const d = await described('/api/products/42?sort=asc&tag=a&tag=b');
    expect(d.function).toBe('productById');
    expect(d.params).toEqual({ id: '42' });
    expect(d.query.sort).toBe('asc');
    expect(d.url).toBe(`${host.origin}/api/products/42?sort=asc&tag=a&tag=b`);
    expect(d.method).toBe('GET');
  });

  it('prefers literal segments over parameters and constrained parameters over plain ones', async () => {
    expect((await described('/api/products/new')).function).toBe('productNew');
    expect((await described('/api/products/7')).function).toBe('productById');
    expect((await described('/api/products/abc')).function).toBe('productByName');
    const any = await described('/api/products/abc-1');
    expect(any.function).toBe('productAny');
    expect(any.params).toEqual({ anything: 'abc-1' });
  });

  it('applies guid, bool and length constraints', async () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    expect((await described(`/api/orders/${id}`)).params).toEqual({ id });
    expect((await call('/api/orders/not-a-guid')).status).toBe(404);
    expect((await described('/api/flags/TRUE')).params).toEqual({ on: 'TRUE' });
    expect((await call('/api/flags/maybe')).status).toBe(404);
    expect((await described('/api/codes/abc')).params).toEqual({ code: 'abc' });
    expect((await call('/api/codes/abcd')).status).toBe(404);
  });

  it('supports optional and catch-all parameters', async () => {
    expect((await described('/api/items')).params).toEqual({});
    expect((await described('/api/items/7')).params).toEqual({ id: '7' });
    expect((await described('/api/files/a/b/c.txt')).params).toEqual({ path: 'a/b/c.txt' });
    expect((await described('/api/files')).function).toBe('files');
    expect((await call('/api/items/7/extra')).status).toBe(404);
  });

  it('answers 404 for unknown paths and 405 with Allow when the route exists for other methods', async () => {
    expect((await call('/api/nope')).status).toBe(404);
    const root = await call('/');
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('up and running');
    expect((await call('/hello')).status).toBe(404);
    expect((await described('/api/things/1')).function).toBe('thingRead');
    expect((await described('/api/things/1', { method: 'PUT' })).function).toBe('thingWrite');
    expect((await described('/api/things/1', { method: 'DELETE' })).function).toBe('thingWrite');
    const res = await call('/api/things/1', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(
      res.headers
        .get('allow')
        ?.split(',')
        .map((s) => s.trim())
        .sort(),
    ).toEqual(['DELETE', 'GET', 'PUT']);
  });

  it('does not enforce function keys locally', async () => {
    expect((await described('/api/secured')).function).toBe('secured');
    expect((await described('/api/secured?code=anything')).function).toBe('secured');
    expect((await described('/api/secured', { headers: { 'x-functions-key': 'x' } })).function).toBe('secured');
  });

  it('passes JSON bodies and returns the status the function set', async () => {
    const res = await call('/api/echo/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1, list: ['x', 'é'] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ received: { a: 1, list: ['x', 'é'] }, contentType: 'application/json' });
  });

  it('passes text bodies', async () => {
    const res = await call('/api/echo/text', { method: 'POST', body: 'grüße' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('GRÜSSE');
  });

  it('passes binary bodies both ways byte for byte', async () => {
    const bytes = randomBytes(4096);
    bytes[0] = 0;
    bytes[1] = 0xff;
    const res = await call('/api/echo/binary', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-size')).toBe('4096');
    const back = Buffer.from(await res.arrayBuffer());
    expect(back.equals(Buffer.from(bytes).reverse())).toBe(true);
  });

  it('passes request headers in and response headers and cookies out', async () => {
    const res = await call('/api/headers', { headers: { 'X-Custom': 'value-1' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-echo')).toBe('value-1');
    expect(await res.text()).toBe('ok');
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('session=abc; Path=/; HttpOnly; SameSite=Lax');
    expect(cookies[1]).toBe('theme=dark; Max-Age=3600; Secure');
  });

  it('returns any status code, 204 for no result and 500 when the function throws', async () => {
    const teapot = await call('/api/status/418');
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe('status 418');
    expect((await call('/api/nothing')).status).toBe(204);
    const failed = await call('/api/throws');
    expect(failed.status).toBe(500);
    expect(host.output()).toContain('boom from the fixture');
  });

  it('refuses request bodies over the host limit (~100 MB) with 413', async () => {
    const url = new URL(`${host.origin}/api/echo/binary`);
    const status = await new Promise<number>((resolve, reject) => {
      // Declares 200 MB but sends only a little: the host answers from the declared length.
      const req = http.request(
        url,
        { method: 'POST', headers: { 'content-length': String(200 * 1024 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
  });

  it('logs each invocation with the function name and invocation id', async () => {
    await described('/api/hello');
    expect(host.output()).toMatch(/Executing 'hello' \(Id=[0-9a-f-]{36}\)/);
    expect(host.output()).toMatch(/Executed 'hello' \(Succeeded, Id=[0-9a-f-]{36}, Duration=\d+ms\)/);
  });
});

describe('devhost HTTP route prefix from host.json env overrides', () => {
  afterAll(() => cleanupTempApps());

  it('serves without a prefix when AzureFunctionsJobHost__extensions__http__routePrefix is empty', async () => {
    const host = await startDevhost(copyFixture('http-routes'), {
      env: { AzureFunctionsJobHost__extensions__http__routePrefix: '' },
    });
    try {
      const res = await fetch(`${host.origin}/hello`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as Described).function).toBe('hello');
      expect((await fetch(`${host.origin}/api/hello`)).status).toBe(404);
    } finally {
      await host.stop();
    }
  });

  it('uses a custom prefix', async () => {
    const host = await startDevhost(copyFixture('http-routes'), {
      env: { AzureFunctionsJobHost__extensions__http__routePrefix: 'v1/base' },
    });
    try {
      expect((await fetch(`${host.origin}/v1/base/products/3`)).status).toBe(200);
      expect((await fetch(`${host.origin}/api/products/3`)).status).toBe(404);
      expect(host.output()).toContain(`${host.origin}/v1/base/hello`);
    } finally {
      await host.stop();
    }
  });

  it('turns off functions with AzureWebJobs.<name>.Disabled and answers CORS with --cors', async () => {
    const host = await startDevhost(copyFixture('http-routes'), {
      env: { 'AzureWebJobs.hello.Disabled': 'true' },
      args: ['--cors', 'http://allowed.example'],
    });
    try {
      expect(host.output()).toContain('\thello: httpTrigger (disabled)');
      expect((await fetch(`${host.origin}/api/hello`)).status).toBe(404);
      const ok = await fetch(`${host.origin}/api/products/1`, { headers: { origin: 'http://allowed.example' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
      const other = await fetch(`${host.origin}/api/products/1`, { headers: { origin: 'http://other.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${host.origin}/api/things/1`, {
        method: 'OPTIONS',
        headers: { origin: 'http://allowed.example', 'access-control-request-method': 'PUT' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
    } finally {
      await host.stop();
    }
  });
});
