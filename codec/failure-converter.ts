// Loaded by path inside the workflow sandbox too: failure messages and stack traces become an
// encoded payload, so the codec encrypts them like any other data.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
