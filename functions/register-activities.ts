/**
 * Registers the activity sets (their contracts live beside the orchestrators that call them) with handlers the
 * composition root builds on first use.
 */
import * as df from 'durable-functions';
import { registerActivities } from '../orchestrations/activity';
import { driftActivities } from '../orchestrations/drift/drift.activities';
import { provisioningActivities } from '../orchestrations/provisioning/provisioning.activities';
import { recordActivities } from '../orchestrations/provisioning/records.activities';
import { appRoot } from './composition-root';

registerActivities(provisioningActivities, () => appRoot().provisioningActivities);
registerActivities(recordActivities, () => appRoot().recordActivities);
registerActivities(driftActivities, () => appRoot().driftActivities, {
  // remediateDrift starts provisioning runs: it needs the durable client.
  extraInputs: { remediateDrift: [df.input.durableClient()] },
});
