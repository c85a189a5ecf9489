/** Who holds Teams Phone for Direct Routing (issue 17 item 12): the Phone System plan, alone or in E5. */
import { hasTeamsPhone, PHONE_SYSTEM_SERVICE_PLAN_ID } from '../../../shared/domain';

const plan = (servicePlanId: string, capabilityStatus = 'Enabled') => ({ servicePlanId, capabilityStatus });

it('reads the assigned plans first: the Phone System plan enabled, from any SKU', () => {
  expect(hasTeamsPhone({ assignedPlans: [plan(PHONE_SYSTEM_SERVICE_PLAN_ID)] })).toBe(true);
  expect(hasTeamsPhone({ assignedPlans: [plan(PHONE_SYSTEM_SERVICE_PLAN_ID.toUpperCase())] })).toBe(true);
  // E5 with the Phone System plan switched off (disabledPlans): its plan is not Enabled, the SKU does not count.
  expect(
    hasTeamsPhone({
      assignedLicenses: [{ skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06' }],
      assignedPlans: [plan(PHONE_SYSTEM_SERVICE_PLAN_ID, 'Deleted'), plan('57ff2da0-773e-42df-b2af-ffb7a2317929')],
    }),
  ).toBe(false);
});

it('falls back to the SKUs known to include Teams Phone when no plans were read', () => {
  expect(hasTeamsPhone({ assignedLicenses: [{ skuId: 'E43B5B99-8DFB-405F-9987-DC307F34BCBD' }] })).toBe(true); // MCOEV
  expect(hasTeamsPhone({ assignedLicenses: [{ skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06' }] })).toBe(true); // E5
  expect(hasTeamsPhone({ assignedLicenses: [{ skuId: '0dab259f-bf13-4952-b7f8-7db8f131b28d' }] })).toBe(false); // plan
  expect(hasTeamsPhone({})).toBe(false);
});
