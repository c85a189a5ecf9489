/**
 * JSON Merge Patch (RFC 7396 §2): objects merge member by member, `null` removes a member, anything else (arrays
 * included) replaces. Hand-written because it is the RFC's ten-line algorithm; the npm packages for it add nothing.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    // defineProperty: a `__proto__` member of a parsed body stays a plain member (and the schema refuses it).
    else
      Object.defineProperty(out, key, {
        value: applyMergePatch(out[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
