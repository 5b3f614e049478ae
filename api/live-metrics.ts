/** How much the live streams cost this API process: watches (each one Temporal call a tick) against the streams they feed. */
import { Gauge } from 'prom-client';
import type { ApiMetrics } from './metrics';
import type { LiveHub } from './live';

export function liveGauges(metrics: ApiMetrics, hub: LiveHub): void {
  new Gauge({
    name: 'complaints_live_watches',
    help: 'Running live watches in this API process: one per followed case (kind=case) and per person on a list page (kind=views)',
    labelNames: ['kind'],
    registers: [metrics.registry],
    collect() {
      const load = hub.load;
      this.set({ kind: 'case' }, load.caseWatches);
      this.set({ kind: 'views' }, load.viewWatches);
    },
  });
  new Gauge({
    name: 'complaints_live_streams',
    help: 'Open server-sent event streams in this API process, by what they follow',
    labelNames: ['kind'],
    registers: [metrics.registry],
    collect() {
      const load = hub.load;
      this.set({ kind: 'case' }, load.caseStreams);
      this.set({ kind: 'views' }, load.viewStreams);
    },
  });
}
