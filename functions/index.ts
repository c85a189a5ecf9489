/**
 * The app's entry (package.json `main`): importing a module registers its functions with the Functions host.
 * Keep this the one list of everything the app exposes. The services behind them come from ./composition-root.
 */
import './startup';
import './http/health';
import './http/portal';
import './http/endpoints-list';
import './http/endpoints-create';
import './http/endpoint-get';
import './http/endpoint-delete';
import './http/consent';
import './http/bulk-upload';
import './http/bulk-batch';
import './http/bulk-cancel';
import './http/call-notifications';
import './queue/call-events';
import './http/callqueue-put';
import './http/callqueue-get';
import './http/agents-list';
import './http/calls-list';
import './http/calls-get';
import './queue/provision-requests';
import '../orchestrations/provisioning/provision-endpoint.orchestration';
import '../orchestrations/provisioning/deprovision-endpoint.orchestration';
import './http/drift-findings';
import './http/drift-check-now';
import './timer/drift-check-timer';
import './timer/presence-refresh-timer';
import '../orchestrations/drift/drift-check.orchestration';
import './register-activities';
