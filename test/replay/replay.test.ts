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
import { MACHINE_VERSION } from '../../domain/case/state';

// One folder per machine version (machine-v1, machine-v2, ...): a case started on any version
// that may still be running in production must replay on today's code.
const dir = path.join(__dirname, 'histories');
const files = fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.history.pb')).sort() : [];

test('there are captured histories to replay, of every machine version', () => {
  expect(files.length).toBeGreaterThanOrEqual(4);
  const versions = new Set(files.map((f) => path.dirname(f)));
  for (let v = 1; v <= MACHINE_VERSION; v++) expect(versions).toContain(`machine-v${v}`);
});

test.each(files)('%s replays without non-determinism', async (file) => {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, file)));
  await Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundle() }, dataConverter: dataConverter({}) }, history, file);
});
