/**
 * Who sees a caller's number. Admins see it whole (they answer data-subject requests and investigate abuse);
 * Supervisors see it masked — the last four digits, enough to tell repeat callers apart, and they can still search
 * by a number a customer gives them; Agents have no call routes, and see the number of the call offered to or
 * connected with them on their own agent row only. A Teams user id (a caller from inside the tenant) is
 * not personal contact data of an outsider and is shown as it is.
 */
import type { Principal } from './api-token';

export function seesCallerNumber(principal: Principal): boolean {
  return principal.roles.includes('Switchboard.Admin');
}

/** `+14255550100` → `+*******0100`; anything that is not a phone number unchanged. */
export function maskPhone(caller: string): string {
  if (!/^\+?[0-9][0-9 ()-]{4,}$/.test(caller)) return caller;
  const digits = caller.replace(/[^0-9]/g, '');
  return `${caller.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}

/** The caller as `principal` may see it. */
export function callerFor(principal: Principal, caller: string | undefined): string | undefined {
  if (caller === undefined || seesCallerNumber(principal)) return caller;
  return maskPhone(caller);
}
