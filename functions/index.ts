/**
 * The app's entry (package.json `main`): importing a module registers its functions with the Functions host.
 * Keep this the one list of everything the app exposes. The services behind them come from ./composition-root.
 */
import './startup';
import './http/health';
import './http/endpoints';
import './http/consent';
import './http/bulk';
import './queue/provision-requests';
import '../orchestrations/provisioning/provision-endpoint.orchestration';
import '../orchestrations/provisioning/deprovision-endpoint.orchestration';
import './http/drift';
import './timer/drift-check-timer';
import '../orchestrations/drift/drift-check.orchestration';
import './activities';
