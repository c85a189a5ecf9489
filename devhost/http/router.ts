/**
 * The table of HTTP-triggered functions: route prefix + template per function, ordered by precedence, and the
 * 404 / 405 decision (405 when some route matches the path but none allows the method, with `Allow`).
 */
import type { RegisteredFunction } from '../types';
import { compareRoutePrecedence, matchRoute, parseRouteTemplate, splitPath, type ParsedRoute } from './routes';

export const DEFAULT_METHODS = ['GET', 'POST'];

export interface HttpRoute {
  fn: RegisteredFunction;
  route: ParsedRoute;
  /** Upper-case; empty = every method. */
  methods: string[];
  /** Display form: `api/hello/{id}`. */
  path: string;
}

export type RouteLookup =
  | { kind: 'match'; route: HttpRoute; params: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

export class HttpRouter {
  readonly routes: HttpRoute[];
  private readonly prefixSegments: string[];

  constructor(functions: RegisteredFunction[], routePrefix: string) {
    this.prefixSegments = splitPath(routePrefix);
    this.routes = functions
      .filter((fn) => fn.trigger.type.toLowerCase() === 'httptrigger')
      .map((fn) => {
        const template =
          typeof fn.trigger.route === 'string' && fn.trigger.route !== '' ? fn.trigger.route : fn.metadata.name;
        const route = parseRouteTemplate(template);
        const methods = Array.isArray(fn.trigger.methods)
          ? (fn.trigger.methods as unknown[]).map((m) => String(m).toUpperCase())
          : DEFAULT_METHODS;
        const path = [...this.prefixSegments, route.template.replace(/^~?\//, '').replace(/\/+$/, '')]
          .filter((s) => s !== '')
          .join('/');
        return { fn, route, methods, path };
      })
      .sort((a, b) => compareRoutePrecedence(a.route, b.route));
  }

  lookup(method: string, pathname: string): RouteLookup {
    const segments = splitPath(pathname);
    for (let i = 0; i < this.prefixSegments.length; i++) {
      if (segments[i]?.toLowerCase() !== this.prefixSegments[i]!.toLowerCase()) return { kind: 'notFound' };
    }
    const rest = segments.slice(this.prefixSegments.length);
    const upper = method.toUpperCase();
    const allow = new Set<string>();
    for (const route of this.routes) {
      const params = matchRoute(route.route, rest);
      if (!params) continue;
      if (route.methods.length === 0 || route.methods.includes(upper)) return { kind: 'match', route, params };
      route.methods.forEach((m) => allow.add(m));
    }
    return allow.size > 0 ? { kind: 'methodNotAllowed', allow: [...allow] } : { kind: 'notFound' };
  }
}
