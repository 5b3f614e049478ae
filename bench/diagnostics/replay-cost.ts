/**
 * Diagnostics: the workflow side of a case, alone. Replays one captured history N times on the
 * production bundle (no server, no activities: only the interpreter, the machine, the SDK and the
 * codec) and prints CPU ms per replay, so a change to the workflow code is priced without the
 * noise of a shared machine's load.
 *   npx tsx bench/diagnostics/replay-cost.ts [history.pb] [N]
 * A baseline or floor history (saved by the bench with BENCH_SAVE_HISTORIES=<dir>) replays on
 * the bench bundle: the third argument `bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { dataConverter } from '../../codec/data-converter';

async function main(): Promise<void> {
  const file = process.argv[2] || path.join(__dirname, '../../test/replay/histories/machine-v2/story-b-detour-capture.history.pb');
  const n = Number(process.argv[3] ?? 300);
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(file));
  const code = await bundleWorkflows(process.argv[4] === 'bench' || process.argv[4] === undefined && /baseline|floor/.test(file) ? require.resolve('../workflows') : undefined);
  const bundlePath = path.join(os.tmpdir(), `replay-cost-${process.pid}.js`);
  fs.writeFileSync(bundlePath, code);
  const options = { workflowBundle: { codePath: bundlePath }, dataConverter: dataConverter({}) };
  const run = async (count: number) => {
    const histories = (async function* () {
      for (let i = 0; i < count; i++) yield { workflowId: `replay-${i}`, history };
    })();
    const started = process.cpuUsage();
    const wall = Date.now();
    for await (const r of Worker.runReplayHistories(options, histories)) if (r.error) throw r.error;
    const cpu = process.cpuUsage(started);
    return { cpuMs: (cpu.user + cpu.system) / 1000 / count, wallMs: (Date.now() - wall) / count };
  };
  await run(Math.min(50, n)); // warm-up: JIT, module cache
  const r = await run(n);
  console.log(JSON.stringify({ history: path.basename(file), replays: n, cpuMsPerReplay: +r.cpuMs.toFixed(2), wallMsPerReplay: +r.wallMs.toFixed(2) }));
  fs.rmSync(bundlePath, { force: true });
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
