/** GUIDs as Entra ID writes them: 8-4-4-4-12 hex. Compared case-insensitively, stored lower-case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID_PATTERN.test(value);
}

/** Lower-cased GUID, or undefined when the value is not one. */
export function normalizeGuid(value: string): string | undefined {
  const v = value.trim();
  return GUID_PATTERN.test(v) ? v.toLowerCase() : undefined;
}

/** Two ids (GUIDs as Entra and Teams write them, in either case) name the same object; a missing id matches none. */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}
