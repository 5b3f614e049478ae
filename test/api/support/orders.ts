/** Orders seeded into the payment/OA simulators so a case has records to gather evidence from and money to move. */
import { storyBRideOrder } from '../../../simulators/fixtures';
import { simulator } from '../../harness/client';

/** Story B: an enterprise ride whose trace shows the detour; the automatic charge is due tomorrow. */
export async function seedStoryBRide(orderId: string): Promise<void> {
  await simulator('POST', '/_admin/orders', storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 24 * 3_600_000) }));
}

/** A plain paid order with no fault in its records: nothing settles by itself, so staff must decide. */
export async function seedPaidOrder(orderId: string, amountFen: number): Promise<void> {
  const paidAt = new Date(Date.now() - 3_600_000).toISOString();
  await simulator('POST', '/_admin/orders', {
    orderId,
    kind: 'other',
    customerId: 'CUST-1',
    orderAmountFen: amountFen,
    attempts: [{ attemptId: `${orderId}-ATT`, at: paidAt, amountFen, status: 'SUCCEEDED' }],
    debits: [{ amountFen, at: paidAt, kind: 'payment', attemptId: `${orderId}-ATT` }],
  });
}
