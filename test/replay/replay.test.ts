/**
 * Determinism guard: every captured history (test/replay/histories, made by running the
 * integration tests with CAPTURE_HISTORIES=1) must replay on the current workflow code. A change
 * that alters the command sequence without patched() fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../harness/paths';
import { dataConverter } from '../../codec/data-converter';

const dir = path.join(__dirname, 'histories');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.history.pb')) : [];

test('there are captured histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(4);
});

test.each(files)('%s replays without non-determinism', async (file) => {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, file)));
  await Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundle() }, dataConverter: dataConverter({}) }, history, file);
});
