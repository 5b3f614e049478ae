import fs from 'node:fs';
import { harnessFile, workflowBundle } from './paths';

interface Running {
  server: { stop(): Promise<void> };
  simulators: { close(): Promise<void> };
  worker: { shutdown(): Promise<void> };
  api: { close(): Promise<void> };
  tmp: string;
}

export default async function globalTeardown(): Promise<void> {
  const h = (globalThis as Record<string, unknown>).__harness as Running | undefined;
  if (!h) return;
  await h.api.close();
  await h.worker.shutdown();
  await h.simulators.close();
  await h.server.stop();
  fs.rmSync(h.tmp, { recursive: true, force: true });
  fs.rmSync(harnessFile(), { force: true });
  fs.rmSync(workflowBundle(), { force: true });
}
