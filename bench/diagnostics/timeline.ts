/**
 * Diagnostics: one story-B complaint and one baseline on a fresh bench stack, with the time of
 * every history event relative to the start (`npx tsx bench/diagnostics/timeline.ts`).
 */
import { temporal } from '@temporalio/proto';
import { runBaselineToEnd, runComplaintToEnd, seedStoryB } from '../drive';
import { countHistory, shapeFrom } from '../shape';
import { startBenchStack, type BenchStack } from '../stack';

async function timeline(stack: BenchStack, workflowId: string): Promise<void> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const t0 = Number(events[0]?.eventTime?.seconds ?? 0) * 1000 + Math.round((events[0]?.eventTime?.nanos ?? 0) / 1e6);
  let prev = t0;
  console.log(`--- ${workflowId}`);
  for (const e of events) {
    const t = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
    const name = temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace('EVENT_TYPE_', '');
    const extra = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
    console.log(`${String(t - t0).padStart(6)} ms  +${String(t - prev).padStart(4)}  ${name} ${extra}`);
    prev = t;
  }
}

async function main(): Promise<void> {
  const stack = await startBenchStack({ log: () => undefined });
  try {
    const tag = `T${Date.now().toString(36).slice(-5).toUpperCase()}`;
    for (let i = 0; i < 3; i++) {
      await seedStoryB(stack.simUrl, `${tag}C${i}`);
      await runComplaintToEnd(stack.client, stack.apiUrl, stack.simUrl, `${tag}C${i}`, 'CUST-TL');
    }
    const counts = await countHistory(stack.client, `complaint-${tag}C2`);
    // Extra shape fields from the command line, e.g. `activityMs=5 eager=0`.
    const extra = Object.fromEntries(process.argv.slice(2).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));
    const shape = { ...shapeFrom(counts), ...extra };
    for (let i = 0; i < 3; i++) await runBaselineToEnd(stack.client, `${tag}B${i}`, 'CUST-TL', shape);
    if (!process.env.TIMELINE_BASELINE_ONLY) await timeline(stack, `complaint-${tag}C2`);
    await timeline(stack, `baseline-${tag}B2`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
