/**
 * Error text from Graph or the bridge, made fit for a step log, a reply or a CSV: credentials are redacted (bearer
 * tokens, JWTs, secrets/passwords/signatures in `key=value` or JSON form) and the text is cut to {@link MAX_ERROR_TEXT}
 * characters. UPNs and emails are kept: they are the tenant's own names, which the admin needs to act on the error.
 */
export const MAX_ERROR_TEXT = 500;

const RULES: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [
    /\b(client_secret|client_assertion|password|secret|access_token|refresh_token|id_token|sig|key)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    '$1$2[redacted]',
  ],
];

export function redactErrorText(text: string, max = MAX_ERROR_TEXT): string {
  let out = text;
  for (const [re, replacement] of RULES) out = out.replace(re, replacement);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
