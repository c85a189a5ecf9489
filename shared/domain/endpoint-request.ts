/**
 * Validation of the endpoint request body (`POST /api/tenants/{tenantId}/endpoints`, and each bulk row):
 * either a normalised value or field errors that tell the caller what to fix. Never throws.
 *
 * Rules beyond the field formats (decided here, documented in the API docs):
 * - `numberType` is required with `phoneNumber`, and meaningless without it (both are reported).
 * - `usageLocation` is optional. When omitted and a number is given, it defaults to the number's country
 *   (`usageLocationSource: 'phoneNumber'`); when omitted without a number, provisioning uses the tenant's country.
 * - A Calling Plan number must be used in its own country: `usageLocation` must match the number's country.
 * - Unknown fields are rejected (a misspelt `phonenumber` must not silently provision an account without a number).
 */
import { z } from 'zod';
import { isGuid } from './guid';
import { NUMBER_TYPES, NumberType } from './enums';
import { parseUpn } from './upn';
import { parseE164 } from './phone';
import { countryName, parseUsageLocation } from './country';

export interface FieldError {
  field: string;
  message: string;
}

export interface EndpointRequest {
  userPrincipalName: string;
  /** Lower-cased UPN: the endpoint's key. */
  upnKey: string;
  displayName: string;
  applicationId?: string;
  usageLocation?: string;
  usageLocationSource?: 'request' | 'phoneNumber';
  phoneNumber?: string;
  numberType?: NumberType;
  queueId?: string;
  keepPartial: boolean;
}

export type EndpointRequestResult = { ok: true; value: EndpointRequest } | { ok: false; errors: FieldError[] };

const str = (what: string) => z.string({ message: `must be a string (${what})` });

/** Wraps a pure `parseX` returning `{ok, value|message}` as a zod transform. */
function viaParser<T>(what: string, parse: (s: string) => { ok: true; value: T } | { ok: false; message: string }) {
  return str(what).transform((v, ctx) => {
    const r = parse(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  });
}

const FIELDS = {
  userPrincipalName: viaParser('e.g. cc-sales@contoso.com', parseUpn),
  displayName: str('the name callers and agents see')
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, { message: 'is required (the name callers and agents see)' })
        .max(256, { message: 'must be at most 256 characters' })
        // eslint-disable-next-line no-control-regex -- control characters are exactly what we reject
        .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { message: 'must not contain control characters' }),
    ),
  applicationId: str('the bot app id, a GUID')
    .transform((v) => v.trim())
    .refine(isGuid, { message: 'must be a GUID (the app id of the bot to bind the account to)' })
    .transform((v) => v.toLowerCase()),
  usageLocation: viaParser('two-letter country code', parseUsageLocation),
  phoneNumber: viaParser('E.164, e.g. +14255550100', (s) => parseE164(s)),
  numberType: z.enum(NUMBER_TYPES, { message: `must be one of ${NUMBER_TYPES.join(', ')}` }),
  queueId: str('a queue id')
    .transform((v) => v.trim())
    .pipe(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
        message: 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      }),
    ),
  keepPartial: z.boolean({ message: 'must be true or false' }),
} as const;

/**
 * The same fields as one zod object, for the OpenAPI document (`GET /api/openapi.json`): what
 * {@link validateEndpointRequest} checks field by field (it names every bad field rather than stopping at the first).
 */
export const endpointRequestSchema = z
  .object(FIELDS)
  .partial()
  .required({ userPrincipalName: true, displayName: true })
  .strict();

type FieldName = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];
const REQUIRED: readonly FieldName[] = ['userPrincipalName', 'displayName'];

export function validateEndpointRequest(body: unknown): EndpointRequestResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ field: '(body)', message: 'must be a JSON object with at least userPrincipalName and displayName' }],
    };
  }
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (!(FIELD_NAMES as string[]).includes(key)) {
      errors.push({ field: key, message: `is not a known field (expected: ${FIELD_NAMES.join(', ')})` });
    }
  }
  const v: Partial<Record<FieldName, unknown>> = {};
  for (const name of FIELD_NAMES) {
    const raw = Object.prototype.hasOwnProperty.call(input, name) ? input[name] : undefined;
    if (raw === undefined || raw === null) {
      if (REQUIRED.includes(name)) errors.push({ field: name, message: 'is required' });
      continue;
    }
    const r = FIELDS[name].safeParse(raw);
    if (r.success) v[name] = r.data;
    else errors.push(...r.error.issues.map((i) => ({ field: name, message: i.message })));
  }

  // Cross-field rules. Only judged on fields that parsed (or were absent), so each message stands on its own.
  const has = (name: FieldName) => Object.prototype.hasOwnProperty.call(input, name) && input[name] != null;
  const phone = v.phoneNumber as string | undefined;
  let usageLocation = v.usageLocation as string | undefined;
  let usageLocationSource: EndpointRequest['usageLocationSource'] = usageLocation ? 'request' : undefined;
  if (has('phoneNumber') && !has('numberType')) {
    errors.push({ field: 'numberType', message: `is required with phoneNumber: one of ${NUMBER_TYPES.join(', ')}` });
  }
  if (has('numberType') && !has('phoneNumber')) {
    errors.push({ field: 'numberType', message: 'was given without phoneNumber: add the number, or drop numberType' });
  }
  const numberCountry = phone ? parseE164(phone) : undefined;
  const country = numberCountry?.ok ? numberCountry.country : undefined;
  if (phone && !has('usageLocation') && country) {
    usageLocation = country;
    usageLocationSource = 'phoneNumber';
  }
  if (v.numberType === 'callingPlan' && usageLocation && country && usageLocation !== country) {
    errors.push({
      field: 'usageLocation',
      message: `must be ${country} (${countryName(country)}) for the Calling Plan number ${phone}: Calling Plan numbers are used in their own country`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const upn = v.userPrincipalName as string;
  const value: EndpointRequest = {
    userPrincipalName: upn,
    upnKey: upn.toLowerCase(),
    displayName: v.displayName as string,
    keepPartial: (v.keepPartial as boolean | undefined) ?? false,
  };
  if (v.applicationId) value.applicationId = v.applicationId as string;
  if (usageLocation) {
    value.usageLocation = usageLocation;
    value.usageLocationSource = usageLocationSource;
  }
  if (phone) {
    value.phoneNumber = phone;
    value.numberType = v.numberType as NumberType;
  }
  if (v.queueId) value.queueId = v.queueId as string;
  return { ok: true, value };
}
