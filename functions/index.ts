/**
 * The app's entry (package.json `main`): importing a module registers its functions with the Functions host.
 * Keep this the one list of everything the app exposes.
 */
import './startup';
import './http/health';
import './http/portal';
import './http/endpoints';
import './http/consent';
import './http/bulk';
import './queue/provision-requests';
import '../orchestrations/provisioning/provision-endpoint';
import '../orchestrations/provisioning/deprovision-endpoint';
import './http/drift';
import './timer/drift-check';
import './durable/remediate-drift';
import '../orchestrations/drift/drift-check';
