/**
 * The baseline's activities: they do no work and return at once. Registered in the bench worker
 * next to the real ones, so both paths share the worker's slots, pollers and event loop.
 */
import { activityInfo } from '@temporalio/activity';

export interface BaselineProbe {
  /** workflowId -> Date.now() when the baseline's stand-in for the apology ran. */
  apologyAt: Map<string, number>;
}

export function createBaselineActivities(probe: BaselineProbe) {
  return {
    async benchNoop(_step: string, waitMs = 0): Promise<string> {
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      return 'ok';
    },
    /** Stands in for the apology SMS: the moment it runs is the baseline's "apology delivered". */
    async benchApology(_step: string, waitMs = 0): Promise<string> {
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      probe.apologyAt.set(activityInfo().workflowExecution?.workflowId ?? '', Date.now());
      return 'ok';
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
