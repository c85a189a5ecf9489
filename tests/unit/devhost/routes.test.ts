import { compareRoutePrecedence, matchRoute, parseRouteTemplate, splitPath } from '../../../devhost/http/routes';
import { HttpRouter } from '../../../devhost/http/router';
import type { RegisteredFunction } from '../../../devhost/types';

const match = (template: string, path: string) => matchRoute(parseRouteTemplate(template), splitPath(path));

describe('route templates', () => {
  it('matches literals case-insensitively and ignores trailing slashes', () => {
    expect(match('products/list', '/Products/LIST/')).toEqual({});
    expect(match('products/list', 'products')).toBeUndefined();
    expect(match('products', 'products/list')).toBeUndefined();
  });

  it('binds parameters, decoding segments', () => {
    expect(match('users/{id}/orders/{orderId}', 'users/a%20b/orders/9')).toEqual({ id: 'a b', orderId: '9' });
  });

  it('handles optional parameters and defaults', () => {
    expect(match('items/{id?}', 'items')).toEqual({});
    expect(match('items/{id?}', 'items/3')).toEqual({ id: '3' });
    expect(match('items/{page=1}', 'items')).toEqual({ page: '1' });
    expect(match('items/{page=1}', 'items/4')).toEqual({ page: '4' });
    expect(() => parseRouteTemplate('{a?}/b')).toThrow(/optional parameter must be at the end/);
  });

  it('handles catch-all parameters', () => {
    expect(match('files/{*path}', 'files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(match('files/{**path}', 'files')).toEqual({});
    expect(() => parseRouteTemplate('{*rest}/x')).toThrow(/catch-all/);
  });

  it.each([
    ['{id:int}', '42', true],
    ['{id:int}', '-7', true],
    ['{id:int}', '4.2', false],
    ['{id:int}', 'x', false],
    ['{id:long}', '9223372036854775807', true],
    ['{id:long}', '9223372036854775808', false],
    ['{id:guid}', '3F2504E0-4F89-11D3-9A0C-0305E82C3301', true],
    ['{id:guid}', '{3f2504e0-4f89-11d3-9a0c-0305e82c3301}', true],
    ['{id:guid}', '3f2504e0', false],
    ['{id:alpha}', 'abcXYZ', true],
    ['{id:alpha}', 'abc1', false],
    ['{id:bool}', 'False', true],
    ['{id:bool}', 'yes', false],
    ['{id:double}', '1.5e3', true],
    ['{id:datetime}', '2024-01-02', true],
    ['{id:length(3)}', 'abc', true],
    ['{id:length(3)}', 'abcd', false],
    ['{id:length(2,4)}', 'abcd', true],
    ['{id:minlength(2)}', 'a', false],
    ['{id:maxlength(2)}', 'ab', true],
    ['{id:min(10)}', '9', false],
    ['{id:max(10)}', '10', true],
    ['{id:range(1,5)}', '6', false],
    ['{id:int:min(1)}', '0', false],
    ['{id:regex(^\\d{{3}}-\\d{{2}}$)}', '123-45', true],
    ['{id:regex(^\\d{{3}}-\\d{{2}}$)}', '12-345', false],
  ])('constraint %s on %s → %s', (template, value, ok) => {
    expect(match(template, value) !== undefined).toBe(ok);
  });

  it('matches complex segments', () => {
    expect(match('files/{name}.{ext}', 'files/report.final.pdf')).toEqual({ name: 'report.final', ext: 'pdf' });
    expect(match('v{version:int}/items', 'V2/items')).toEqual({ version: '2' });
    expect(match('v{version:int}/items', 'vx/items')).toBeUndefined();
  });

  it('rejects malformed templates', () => {
    expect(() => parseRouteTemplate('a/{id')).toThrow(/unclosed/);
    expect(() => parseRouteTemplate('a/{id}/{id}')).toThrow(/twice/);
    expect(() => parseRouteTemplate('a/{id:nope}')).toThrow(/unknown constraint/);
    expect(() => parseRouteTemplate('a//b')).toThrow(/empty segment/);
  });

  it('orders literal before constrained before plain parameter before catch-all', () => {
    const templates = ['{*all}', 'p/{x}', 'p/{x:int}', 'p/new', 'p/{a}.{b}'];
    const sorted = templates
      .map(parseRouteTemplate)
      .sort(compareRoutePrecedence)
      .map((r) => r.template);
    expect(sorted).toEqual(['p/new', 'p/{a}.{b}', 'p/{x:int}', 'p/{x}', '{*all}']);
  });
});

function fn(name: string, trigger: Record<string, unknown>): RegisteredFunction {
  const binding = { type: 'httpTrigger', direction: 'in' as const, ...trigger };
  return {
    metadata: { name, bindings: { req: binding, $return: { type: 'http', direction: 'out' } } },
    handler: () => undefined,
    triggerBindingName: 'req',
    trigger: binding,
  };
}

describe('HttpRouter', () => {
  const router = new HttpRouter(
    [
      fn('get', { methods: ['GET'], route: 'things/{id}' }),
      fn('put', { methods: ['PUT'], route: 'things/{id}' }),
      fn('new', { methods: ['GET'], route: 'things/new' }),
      fn('byDefault', {}),
      fn('all', { methods: [], route: 'any/{*rest}' }),
    ],
    'api',
  );

  it('routes under the prefix, defaulting the route to the function name and methods to GET/POST', () => {
    const hit = router.lookup('POST', '/api/byDefault');
    expect(hit.kind === 'match' && hit.route.fn.metadata.name).toBe('byDefault');
    expect(router.lookup('DELETE', '/api/bydefault')).toEqual({ kind: 'methodNotAllowed', allow: ['GET', 'POST'] });
    expect(router.lookup('GET', '/byDefault')).toEqual({ kind: 'notFound' });
  });

  it('picks the literal route over the parameter route, and by method among equals', () => {
    const a = router.lookup('GET', '/api/things/new');
    expect(a.kind === 'match' && a.route.fn.metadata.name).toBe('new');
    const b = router.lookup('PUT', '/api/things/new');
    expect(b.kind === 'match' && b.route.fn.metadata.name).toBe('put');
    const c = router.lookup('POST', '/api/things/1');
    expect(c.kind).toBe('methodNotAllowed');
    expect(c.kind === 'methodNotAllowed' && c.allow.sort()).toEqual(['GET', 'PUT']);
  });

  it('treats an empty method list as every method', () => {
    const hit = router.lookup('PATCH', '/api/any/x/y');
    expect(hit.kind === 'match' && hit.params).toEqual({ rest: 'x/y' });
  });

  it('supports an empty route prefix', () => {
    const bare = new HttpRouter([fn('hello', {})], '');
    expect(bare.lookup('GET', '/hello').kind).toBe('match');
    expect(bare.routes[0]!.path).toBe('hello');
  });
});
