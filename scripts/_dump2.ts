import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
const ET = temporal.api.enums.v1.EventType;
const h = temporal.api.history.v1.History.decode(readFileSync(process.argv[2]));
for (const e of h.events) {
  const u = e.upsertWorkflowSearchAttributesEventAttributes;
  if (u) console.log(e.eventId, Object.entries(u.searchAttributes?.indexedFields ?? {}).map(([k, v]) => `${k}=${Buffer.from(v.data ?? []).toString()}`).join(' '));
  const m = e.markerRecordedEventAttributes;
  if (m) console.log(e.eventId, m.markerName, Object.keys(m.details ?? {}));
}
