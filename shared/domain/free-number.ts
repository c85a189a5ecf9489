import type { NumberType } from './enums';

/** A free phone number as `GET …/numbers?free=true` lists it (shared by the API and the portal's number picker). */
export interface FreeNumber {
  telephoneNumber: string;
  numberType: NumberType;
  /** ISO 3166 alpha-2 of the number, upper-case: the usage location an endpoint with this number gets by default. */
  isoCountryCode?: string;
  city?: string;
  capabilities: string[];
}
