import fs from 'node:fs';
import { harnessFile } from '../harness/paths';
import { clusterTestFile, stopRunner } from './runner';

interface Running {
  simulators: { close(): Promise<void> };
  dataDir: string;
}

/** Ctrl-C for the cluster (the tests may have restarted it: the info file names the live runner). */
export default async function globalTeardown(): Promise<void> {
  const h = (globalThis as Record<string, unknown>).__cluster as Running | undefined;
  if (!h) return;
  try {
    await stopRunner(h.dataDir);
  } finally {
    await h.simulators.close();
    if (process.env.CLUSTER_KEEP === '1') process.stdout.write(`[cluster] data kept in ${h.dataDir}\n`);
    else fs.rmSync(h.dataDir, { recursive: true, force: true });
    fs.rmSync(harnessFile(), { force: true });
    fs.rmSync(clusterTestFile(), { force: true });
  }
}
