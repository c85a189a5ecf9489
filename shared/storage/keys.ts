/**
 * Azure Table keys may not contain / \ # ? or control characters (and UPN aliases may contain #). Keys are
 * percent-encoded for exactly those characters and `%` itself, so the encoding is reversible and ordering of ordinary
 * keys is unchanged.
 */
// eslint-disable-next-line no-control-regex -- Azure Table keys forbid control characters
const FORBIDDEN = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;

export function encodeKey(value: string): string {
  return value.replace(FORBIDDEN, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function decodeKey(value: string): string {
  return value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Joins key parts with `|` after encoding each (a part containing `|` is escaped too, so parts never blur). */
export function compositeKey(...parts: string[]): string {
  return parts.map((p) => encodeKey(p).replace(/\|/g, '%7C')).join('|');
}

export function splitCompositeKey(key: string): string[] {
  return key.split('|').map((p) => decodeKey(p.replace(/%7C/g, '|')));
}

/** Zero-padded sequence numbers sort as strings. */
export function padSeq(seq: number, width = 4): string {
  if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`sequence must be a non-negative integer, got ${seq}`);
  return String(seq).padStart(width, '0');
}
