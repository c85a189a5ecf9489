// The "add endpoint" form's number picker, pure: a free number picked fills the number, its type and — unless the
// admin typed one — the usage location from the number's country.
import type { FreeNumber } from '../../shared/domain/free-number';

export type { FreeNumber };

export interface EndpointForm {
  userPrincipalName: string;
  displayName: string;
  phoneNumber: string;
  numberType: string;
  usageLocation: string;
  queueId: string;
}

export const NUMBER_TYPE_LABELS: Record<string, string> = {
  callingPlan: 'Calling Plan',
  directRouting: 'Direct Routing',
  operatorConnect: 'Operator Connect',
};

/** "+14255550100 · Calling Plan · US, Redmond" */
export function freeNumberLabel(n: FreeNumber): string {
  const where = [n.isoCountryCode, n.city].filter(Boolean).join(', ');
  return [n.telephoneNumber, NUMBER_TYPE_LABELS[n.numberType] ?? n.numberType, where].filter(Boolean).join(' · ');
}

/**
 * The form with `n` picked (undefined: no number). `autoUsage` is the usage location the last pick filled in: a value
 * still equal to it (or empty) follows the new number; one the admin typed is kept.
 */
export function pickNumber(
  form: EndpointForm,
  n: FreeNumber | undefined,
  autoUsage: string,
): { form: EndpointForm; autoUsage: string } {
  const following = !form.usageLocation.trim() || form.usageLocation === autoUsage;
  if (!n) {
    return {
      form: { ...form, phoneNumber: '', numberType: '', usageLocation: following ? '' : form.usageLocation },
      autoUsage: '',
    };
  }
  const usage = n.isoCountryCode ?? '';
  return {
    form: {
      ...form,
      phoneNumber: n.telephoneNumber,
      numberType: n.numberType,
      usageLocation: following ? usage : form.usageLocation,
    },
    autoUsage: following ? usage : autoUsage,
  };
}
