/**
 * The floor baseline: the smallest workflow that does a story-B complaint's business work. It
 * starts, runs ONE activity that makes the complaint's provider calls in sequence (recorded from
 * the run's probe case, bench/provider-calls.ts), and completes: 2 workflow tasks, no updates,
 * upserts, timers or local activities. The complaint's throughput over the floor's is what the
 * engine's own bookkeeping (durability per step, messages, search attributes) costs.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { FloorActivities } from './baseline-activities';

const { benchFloorCase } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export interface FloorResult {
  workflowId: string;
  calls: number;
}

export async function floorWorkflow(orderId: string): Promise<FloorResult> {
  const calls = await benchFloorCase(orderId);
  return { workflowId: workflowInfo().workflowId, calls };
}
