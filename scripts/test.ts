/**
 * `npm test`: Jest with NODE_EXTRA_CA_CERTS pointing at the local simulator's CA (`.simulator/ca.pem`), set before
 * Jest and its workers start. Every simulator the tests start shares this CA; the app processes the tests start
 * inherit the variable too. Arguments are passed on to Jest.
 */
import { REPO_ROOT } from './lib/processes';
import { runTrustingSimulator } from './lib/trust';

async function main(): Promise<void> {
  const jest = require.resolve('jest/bin/jest', { paths: [REPO_ROOT] });
  await runTrustingSimulator([jest, ...process.argv.slice(2)]);
  // Already trusted (NODE_EXTRA_CA_CERTS set by the caller): run Jest in this process.
  process.argv = [process.argv[0], jest, ...process.argv.slice(2)];
  require(jest);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
