/**
 * Builds the bench worker's workflow bundle in its own process (`node --import tsx bench/bundle.ts <out>`),
 * so webpack's memory never counts in the worker's RSS.
 */
import fs from 'node:fs';
import { bundleWorkflows } from '../scripts/bundle-workflows';

async function main(): Promise<void> {
  const [out, entry] = process.argv.slice(2);
  if (!out) throw new Error('usage: bench/bundle.ts <output file> [workflows entry]');
  // BENCH_WORKFLOWS_PATH: diagnostics only (e.g. a bundle without the complaint, to price its module load).
  const workflowsPath = entry ?? process.env.BENCH_WORKFLOWS_PATH ?? require.resolve('./workflows');
  const code = await bundleWorkflows(workflowsPath);
  fs.writeFileSync(out, code);
  console.log(`bundle written: ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
