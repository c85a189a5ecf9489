/**
 * Validating every row of a bulk import up front, so the caller can write the accepted rows in one go (and refuse
 * the file as a whole when it cannot be read). Pure and total: never throws, every data row ends up in exactly one
 * of `accepted` / `rejected`, in row order.
 *
 * Per row, in this order (all reasons are collected, not just the first):
 * 1. the record's shape (CSV cell count): when wrong, that is the only reason given — its cells cannot be trusted;
 * 2. the endpoint request validator of shared/domain (the same rules as `POST …/endpoints`);
 * 3. duplicates within the file: a UPN (case-insensitive) or a number (after E.164 normalisation) that an earlier
 *    row already used. The FIRST row keeps it; every later row is rejected naming that first row. Duplicates are
 *    judged on the raw values, so a row rejected for another reason still "uses" its UPN and number;
 * 4. the number against the tenant's inventory (see inventory.ts).
 */
import { isNumberType, parseE164, parseUpn, validateEndpointRequest } from '../domain';
import { checkNumberAgainstInventory, indexInventory, NumberInventory } from './inventory';
import type { AcceptedRow, BulkInputRow, BulkValidation, FieldError, RejectedRow } from './bulk.types';
import { rowLabel } from './bulk.types';

export interface BulkValidationContext {
  /** The tenant's number inventory, telephoneNumber → facts (read by the caller). */
  inventory: NumberInventory;
  /**
   * Resource accounts that exist already, upn key (lower-case) → object id: a number already on the account the row
   * is for is not a conflict, and a number on another known account is reported by that account's UPN.
   */
  existingAccounts?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Number types that must be found in the inventory (default: all of them). */
  inventoryRequiredFor?: readonly string[];
}

function toMap(m: BulkValidationContext['existingAccounts']): ReadonlyMap<string, string> {
  if (!m) return new Map();
  if (m instanceof Map) return m;
  return new Map(Object.entries(m as Record<string, string>));
}

function rawUpnKey(body: Record<string, unknown>): string | undefined {
  const v = body.userPrincipalName;
  if (typeof v !== 'string') return undefined;
  const r = parseUpn(v);
  return r.ok ? r.key : undefined;
}

function rawPhone(body: Record<string, unknown>): string | undefined {
  const v = body.phoneNumber;
  if (typeof v !== 'string') return undefined;
  const r = parseE164(v);
  return r.ok ? r.value : undefined;
}

/** Validates rows already read by readBulkCsv / readBulkJson. */
export function validateBulkRows(rows: readonly BulkInputRow[], context: BulkValidationContext): BulkValidation {
  const inventory = indexInventory(context.inventory ?? {});
  const accounts = toMap(context.existingAccounts);
  const upnByObjectId = new Map<string, string>();
  for (const [upn, objectId] of accounts) upnByObjectId.set(objectId.toLowerCase(), upn);
  const describeTarget = (objectId: string) => upnByObjectId.get(objectId.toLowerCase());

  const firstRowByUpn = new Map<string, BulkInputRow>();
  const firstRowByNumber = new Map<string, BulkInputRow>();
  const accepted: AcceptedRow[] = [];
  const rejected: RejectedRow[] = [];
  const at = (r: BulkInputRow) => (r.line !== undefined ? { line: r.line } : {});

  for (const input of rows) {
    if (input.errors.length > 0) {
      rejected.push({ row: input.row, ...at(input), errors: [...input.errors] });
      continue;
    }
    const result = validateEndpointRequest(input.body);
    const errors: FieldError[] = result.ok ? [] : [...result.errors];

    const upn = rawUpnKey(input.body);
    if (upn !== undefined) {
      const first = firstRowByUpn.get(upn);
      if (first) {
        errors.push({
          field: 'userPrincipalName',
          message: `${String(input.body.userPrincipalName)} is already used on ${rowLabel(first)} (UPNs are not case-sensitive); keep one row per endpoint`,
        });
      } else firstRowByUpn.set(upn, input);
    }

    const phone = rawPhone(input.body);
    if (phone !== undefined) {
      const first = firstRowByNumber.get(phone);
      if (first) {
        errors.push({
          field: 'phoneNumber',
          message: `${phone} is already used on ${rowLabel(first)}; a number can go on one resource account only`,
        });
      } else {
        firstRowByNumber.set(phone, input);
        // Only a valid type is compared with the inventory's; the validator already reports an invalid one.
        const numberType = isNumberType(input.body.numberType) ? input.body.numberType : undefined;
        errors.push(
          ...checkNumberAgainstInventory(phone, numberType, inventory, {
            ownObjectId: upn !== undefined ? accounts.get(upn) : undefined,
            describeTarget,
            inventoryRequiredFor: context.inventoryRequiredFor,
          }),
        );
      }
    }

    if (result.ok && errors.length === 0) accepted.push({ row: input.row, ...at(input), request: result.value });
    else rejected.push({ row: input.row, ...at(input), errors });
  }
  return { total: rows.length, accepted, rejected };
}

/** One line per reason, for logs, the CLI and problem details: `row 12 (line 13): phoneNumber is not …`. */
export function describeRejections(rejected: readonly RejectedRow[]): string[] {
  return rejected.flatMap((r) =>
    r.errors.map((e) => `${rowLabel(r)}: ${e.field === '(row)' ? 'the row' : e.field} ${e.message}`),
  );
}
