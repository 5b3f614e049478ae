/**
 * `npm run simulators`: the payment, SMS and OA simulators on one port.
 * Prints exactly one line, `simulators listening on <url> ...`, which a harness can wait for.
 */
import { readEnv } from '../config/env';
import { startSimulators } from './start';

async function main(): Promise<void> {
  const env = readEnv();
  const sim = await startSimulators({
    port: env.SIMULATOR_PORT,
    host: env.SIMULATOR_HOST,
    dataDir: env.SIMULATOR_DATA_DIR,
    apiKeys: { payment: env.PAYMENT_API_KEY, sms: env.SMS_API_KEY, oa: env.OA_API_KEY },
  });
  console.log(`simulators listening on ${sim.url} (data ${env.SIMULATOR_DATA_DIR})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`simulators: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error('simulators failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
