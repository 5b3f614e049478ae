/**
 * A provider holds an automatic charge only so long. Before the hold ends the customer is told
 * the amount and the time of the charge (story B: nobody was told); at its end the charge is
 * taken, and the resolution refunds instead of adjusting the charge.
 */
export interface HeldCharge {
  status: 'held' | 'released' | 'captured';
  maxHoldUntil: string;
}

export type HoldEvent = { kind: 'notice' | 'expiry'; at: Date };

export function nextHoldEvent(hold: HeldCharge | undefined, noticeSent: boolean, leadMinutes: number): HoldEvent | undefined {
  if (!hold || hold.status !== 'held') return undefined;
  const expiry = new Date(hold.maxHoldUntil);
  if (!noticeSent) return { kind: 'notice', at: new Date(expiry.getTime() - leadMinutes * 60_000) };
  return { kind: 'expiry', at: expiry };
}
