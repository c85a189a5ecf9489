/**
 * E.164 phone numbers via libphonenumber-js (full metadata, so validity means "a number that can exist", not only
 * "has a plausible length"). Input must be international (leading + or 00): there is no default region here.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type E164Result = { ok: true; value: string; country?: string } | { ok: false; message: string };

export function parseE164(input: string): E164Result {
  const raw = input.trim();
  if (!raw) return { ok: false, message: 'is empty; give the number in E.164 form, e.g. +14255550100' };
  // Accept the common "00" international prefix and "tel:" URIs, nothing else that is not a number.
  let text = raw.replace(/^tel:/i, '');
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  if (!text.startsWith('+')) {
    return { ok: false, message: `"${raw}" must start with + and the country code (E.164), e.g. +14255550100` };
  }
  if (/[^0-9+\s().-]/.test(text.slice(1)) || text.indexOf('+', 1) >= 0) {
    return { ok: false, message: `"${raw}" contains characters that are not part of a phone number` };
  }
  const digits = text.replace(/\D/g, '');
  if (digits.length > 15) return { ok: false, message: `"${raw}" has more than 15 digits (E.164 allows at most 15)` };
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed) return { ok: false, message: `"${raw}" is not a phone number` };
  if (!parsed.isValid()) {
    const region = parsed.country ? ` for ${parsed.country}` : ` for country code +${parsed.countryCallingCode}`;
    return { ok: false, message: `"${raw}" is not a valid number${region}` };
  }
  return { ok: true, value: parsed.number, country: parsed.country };
}

export function isE164(input: string): boolean {
  const r = parseE164(input);
  return r.ok && r.value === input;
}

/** The comparison key of a number: `+` and its digits (spaces, dashes, `tel:` and the like do not matter). */
export function numberKey(telephoneNumber: string): string {
  return '+' + telephoneNumber.replace(/\D/g, '');
}
