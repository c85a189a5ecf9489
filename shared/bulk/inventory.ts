/**
 * Checking a requested number against the tenant's number inventory (Graph `numberAssignments`, which the caller
 * reads and passes in as telephoneNumber → facts). Pure: usable for a bulk file and for a single endpoint request.
 *
 * A resource account can only take a number that is
 * - in the tenant's inventory (acquired or ported in), of the number type the request names;
 * - a service number: `capabilities` include `voiceApplicationAssignment` (a user number, with only
 *   `userAssignment`, is refused by Teams for a resource account);
 * - unassigned, or already assigned to this very account (re-importing an endpoint is idempotent).
 */
import { numberKey, sameId, type FieldError, type NumberType } from '../domain';

export const VOICE_APPLICATION_CAPABILITY = 'voiceApplicationAssignment';

/** The facts of one inventory number the checks read (a subset of Graph's numberAssignment). */
export interface InventoryNumber {
  numberType: NumberType | string;
  /** unassigned | userAssigned | conferenceAssigned | voiceApplicationAssigned | thirdPartyAppAssigned | policyAssigned */
  assignmentStatus: string;
  /** Object id of the user or resource account holding the number. */
  assignmentTargetId?: string | null;
  capabilities?: readonly string[] | null;
}

/** telephoneNumber (E.164) → facts. A Map or a plain object (as it arrives from JSON). */
export type NumberInventory = ReadonlyMap<string, InventoryNumber> | Readonly<Record<string, InventoryNumber>>;

export interface IndexedNumber extends InventoryNumber {
  telephoneNumber: string;
}

/** Indexes an inventory by {@link numberKey} so lookups do not depend on how the caller spelt its keys. */
export function indexInventory(inventory: NumberInventory): ReadonlyMap<string, IndexedNumber> {
  const entries: [string, InventoryNumber][] =
    inventory instanceof Map ? [...inventory.entries()] : Object.entries(inventory as Record<string, InventoryNumber>);
  const index = new Map<string, IndexedNumber>();
  for (const [telephoneNumber, facts] of entries) {
    if (typeof telephoneNumber !== 'string' || typeof facts !== 'object' || facts === null) continue;
    index.set(numberKey(telephoneNumber), { ...facts, telephoneNumber });
  }
  return index;
}

export interface NumberCheckOptions {
  /**
   * Object id of the resource account this request is for, when it exists already: a number assigned to it is fine.
   */
  ownObjectId?: string;
  /** Names an assignment target for messages (e.g. object id → the UPN Switchboard knows it by). */
  describeTarget?: (objectId: string) => string | undefined;
  /** Number types that must be in the inventory (default: all). Numbers of other types not found are let through. */
  inventoryRequiredFor?: readonly string[];
}

/**
 * Field errors for putting `phoneNumber` (already E.164) of `numberType` (when valid) on a resource account.
 * Empty when the number can be used.
 */
export function checkNumberAgainstInventory(
  phoneNumber: string,
  numberType: string | undefined,
  inventory: ReadonlyMap<string, IndexedNumber>,
  options: NumberCheckOptions = {},
): FieldError[] {
  const entry = inventory.get(numberKey(phoneNumber));
  if (!entry) {
    const required = options.inventoryRequiredFor;
    if (required && numberType && !required.includes(numberType)) return [];
    return [
      {
        field: 'phoneNumber',
        message:
          `${phoneNumber} is not in the tenant's phone number inventory; acquire or port it first ` +
          '(Teams admin center > Voice > Phone numbers), or correct the number',
      },
    ];
  }
  const errors: FieldError[] = [];
  if (numberType && entry.numberType && numberType !== entry.numberType) {
    errors.push({
      field: 'numberType',
      message: `is ${numberType} but the tenant's inventory lists ${phoneNumber} as ${entry.numberType}; set numberType to ${entry.numberType}`,
    });
  }
  const capabilities = Array.isArray(entry.capabilities) ? entry.capabilities : [];
  if (
    !capabilities.some((c) => typeof c === 'string' && c.toLowerCase() === VOICE_APPLICATION_CAPABILITY.toLowerCase())
  ) {
    errors.push({
      field: 'phoneNumber',
      message:
        `${phoneNumber} cannot go on a resource account: its capabilities are ${capabilities.length ? capabilities.join(', ') : 'none'}, ` +
        `without ${VOICE_APPLICATION_CAPABILITY} (a user number); pick a service number that has it`,
    });
  }
  const status = typeof entry.assignmentStatus === 'string' ? entry.assignmentStatus : '';
  const assigned = status !== '' && status.toLowerCase() !== 'unassigned';
  if (assigned && !sameId(entry.assignmentTargetId, options.ownObjectId)) {
    const target = entry.assignmentTargetId ?? undefined;
    const name = target ? options.describeTarget?.(target) : undefined;
    const who = target ? (name ? `${name} (object id ${target})` : `object id ${target}`) : 'another user or service';
    errors.push({
      field: 'phoneNumber',
      message: `${phoneNumber} is already assigned (${status}) to ${who}; pick an unassigned number, or unassign it first`,
    });
  }
  return errors;
}
