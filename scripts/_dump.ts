import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
const ET = temporal.api.enums.v1.EventType;
const h = temporal.api.history.v1.History.decode(readFileSync(process.argv[2]));
for (const e of h.events) {
  const name = ET[e.eventType!].replace('EVENT_TYPE_', '');
  let extra = '';
  if (e.activityTaskScheduledEventAttributes) extra = e.activityTaskScheduledEventAttributes.activityType?.name ?? '';
  if (e.markerRecordedEventAttributes) extra = e.markerRecordedEventAttributes.markerName ?? '';
  if (e.timerStartedEventAttributes) extra = String(e.timerStartedEventAttributes.startToFireTimeout?.seconds);
  if (e.workflowExecutionUpdateAcceptedEventAttributes) extra = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name ?? '';
  if (e.workflowExecutionSignaledEventAttributes) extra = e.workflowExecutionSignaledEventAttributes.signalName ?? '';
  console.log(String(e.eventId).padStart(3), name, extra);
}
