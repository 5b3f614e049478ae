/**
 * The baselines' activities, registered in the bench worker next to the real ones, so every path
 * shares the worker's slots, pollers and event loop:
 *  - benchNoop / benchApology (same-shape baseline): no work, return at once;
 *  - benchFloorCase (floor baseline): the story-B complaint's provider calls, replayed in sequence.
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { replayCalls, retarget, type ProviderCall } from './provider-calls';

export interface BaselineProbe {
  /** workflowId -> Date.now() when a baseline's stand-in for the apology ran (or the floor's apology SMS was answered). */
  apologyAt: Map<string, number>;
  /** The probe complaint's provider calls, set once it has run: what the floor replays. */
  floor?: { simUrl: string; probeOrder: string; calls: ProviderCall[] };
}

export function createBaselineActivities(probe: BaselineProbe) {
  const workflowId = () => activityInfo().workflowExecution?.workflowId ?? '';
  return {
    async benchNoop(_step: string, waitMs = 0): Promise<string> {
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      return 'ok';
    },
    /** Stands in for the apology SMS: the moment it runs is the baseline's "apology delivered". */
    async benchApology(_step: string, waitMs = 0): Promise<string> {
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      probe.apologyAt.set(workflowId(), Date.now());
      return 'ok';
    },
    /** Every provider call the probe complaint made, for `orderId` (seeded like the probe's order). */
    async benchFloorCase(orderId: string): Promise<number> {
      const floor = probe.floor;
      if (!floor) throw ApplicationFailure.nonRetryable('no recorded story-B calls to replay', 'BenchNotReady');
      const id = workflowId();
      await replayCalls(floor.simUrl, retarget(floor.calls, floor.probeOrder, orderId), () => probe.apologyAt.set(id, Date.now()));
      return floor.calls.length;
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
export type FloorActivities = Pick<BaselineActivities, 'benchFloorCase'>;
