/**
 * A fresh stack for the contract run (.ci/schemathesis): the Temporal dev server, the simulators,
 * the worker and the API as child processes on free ports (test/faults/stack.ts), with the
 * development keys. Writes {"apiUrl": ...} to the file given as the first argument once all are
 * up, and tears everything down on SIGTERM or SIGINT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from './bundle-workflows';
import { ensureBinary, TEMPORAL_CLI } from './temporal-bin';
import { Stack } from '../test/faults/stack';

async function main(): Promise<void> {
  const readyFile = process.argv[2];
  if (!readyFile) throw new Error('usage: tsx scripts/contract-stack.ts <ready-file>');
  ensureBinary(TEMPORAL_CLI);
  const stack = new Stack();
  const stop = async (code: number) => {
    await stack.teardown(false);
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  try {
    stack.bundlePath = path.join(stack.dir, 'workflow-bundle.js');
    fs.writeFileSync(stack.bundlePath, await bundleWorkflows());
    await stack.allocatePorts();
    await stack.startTemporal();
    await stack.startSimulators();
    await stack.startWorker();
    await stack.startApi();
  } catch (err) {
    console.error('contract stack failed to start:', err instanceof Error ? err.message : err);
    await stop(1);
  }
  fs.writeFileSync(readyFile, JSON.stringify({ apiUrl: stack.apiUrl, logs: stack.logDir }));
  console.log(`contract stack up: API ${stack.apiUrl}, logs in ${stack.logDir}`);
}

void main();
