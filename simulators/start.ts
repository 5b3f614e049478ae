import type { AddressInfo } from 'node:net';
import { createSimulatorApp, type SimulatorOptions, type SimulatorState } from './app';

export interface StartOptions extends Omit<SimulatorOptions, 'dataDir'> {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** Default 127.0.0.1: /_admin has no key, so never listen on a public interface by accident. */
  host?: string;
}

export interface RunningSimulators {
  /** e.g. http://127.0.0.1:4100; the services are at /payment, /sms, /oa, /_admin. */
  url: string;
  close(): Promise<void>;
  state: SimulatorState;
}

export async function startSimulators(opts: StartOptions): Promise<RunningSimulators> {
  const { port, host = '127.0.0.1', ...appOpts } = opts;
  const sim = createSimulatorApp(appOpts);
  const server = sim.app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    state: sim.state,
    close: () => {
      closing ??= (async () => {
        await sim.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Held responses (timeout_after_execute) and keep-alive sockets would otherwise keep close() waiting.
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
