/**
 * The case page's reading of two records, under node: a message's late receipt ("also delivered
 * late at HH:mm", and that the customer has it twice when the next channel delivered too), and
 * where the order system's ticket or ride status contradicts the complaint (story A's ticket
 * issued after "payment failed"), from the simulator's own order through the activity's mapping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fulfilmentFacts, ledgerFacts } from '../../activities/payment';
import type { LedgerFacts } from '../../domain/evidence';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { seedOrderSchema } from '../../simulators/admin/seed-schema';
import { PaymentService } from '../../simulators/payment/service';
import { voucherOutcome } from '../../domain/voucher';

let lang = 'zh';
(globalThis as Record<string, unknown>).localStorage = { getItem: () => lang, setItem: () => undefined };

interface Note {
  status: 'delivered' | 'failed';
  twice: boolean;
  text: string;
}
interface Conflict {
  code: string;
  at: string;
  shownAt?: string;
  netFen?: number;
}
const { lateReceiptNote } = require('../../console/js/case-track.js') as { lateReceiptNote(n: unknown, all: unknown[]): Note | null };
const { fulfilmentConflicts, outcomeText, voucherReading } = require('../../console/js/case-evidence.js') as {
  fulfilmentConflicts(f: unknown, ledger: unknown, netPaidFen?: number): Conflict[];
  outcomeText(state: unknown): string;
  voucherReading(v: unknown): string;
};

afterEach(() => {
  lang = 'zh';
});

describe('a late receipt on the messages list', () => {
  const sms = {
    step: 'ack',
    purpose: 'acknowledgement',
    channel: 'sms',
    outId: 'C-1:ack:sms',
    status: 'failed',
    at: '2026-11-10T02:00:00.000Z',
    reason: 'sent (BIZ1) but no delivery receipt within 10000 ms',
    lateReceipt: { status: 'delivered', at: '2026-11-10T02:00:15.000Z', reason: null },
  };
  const app = { step: 'ack', purpose: 'acknowledgement', channel: 'app', outId: 'C-1:ack:app', status: 'delivered', at: '2026-11-10T02:00:11.000Z' };

  test('delivered late while the app delivered too: the time in Beijing, and that the customer got it twice', () => {
    expect(lateReceiptNote(sms, [sms, app])).toEqual({ status: 'delivered', twice: true, text: '也已于 10:00 迟到送达：客户经两个渠道各收到一次' });
    lang = 'en';
    expect(lateReceiptNote(sms, [sms, app])).toEqual({ status: 'delivered', twice: true, text: 'also delivered late at 10:00: the customer got this text twice, over two channels' });
  });

  test('the next channel failed as well: delivered late, but only once', () => {
    const appFailed = { ...app, status: 'failed' };
    expect(lateReceiptNote(sms, [sms, appFailed])).toEqual({ status: 'delivered', twice: false, text: '也已于 10:00 迟到送达' });
    // Another step's delivered app message is another text.
    expect(lateReceiptNote(sms, [sms, { ...app, step: 'apology' }])?.twice).toBe(false);
  });

  test('a receipt on another day says the date; one without a time says it came', () => {
    const nextDay = { ...sms, lateReceipt: { status: 'delivered', at: '2026-11-10T16:30:00.000Z', reason: null } };
    expect(lateReceiptNote(nextDay, [nextDay])?.text).toBe('也已于 2026-11-11 00:30 迟到送达');
    const untimed = { ...sms, lateReceipt: { status: 'delivered', at: null, reason: null } };
    lang = 'en';
    expect(lateReceiptNote(untimed, [untimed])?.text).toBe('also delivered late');
  });

  test("a late failure receipt gives the rail's reason; a message without a late receipt has no note", () => {
    const failed = { ...sms, lateReceipt: { status: 'failed', at: null, reason: 'FAIL: the carrier could not reach the handset' } };
    expect(lateReceiptNote(failed, [failed, app])).toEqual({ status: 'failed', twice: false, text: '迟到回执显示未能送达（FAIL: the carrier could not reach the handset）' });
    expect(lateReceiptNote(app, [sms, app])).toBeNull();
  });
});

describe('the ticket or ride status against the complaint', () => {
  let dir: string;
  let payment: PaymentService;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fulfilment-logic-'));
    payment = new PaymentService(dir, () => new Date('2026-11-10T02:00:00Z'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The order as the simulator keeps it, read as the activity reads it. */
  function read(seed: unknown): { ledger: LedgerFacts; fulfilment: ReturnType<typeof fulfilmentFacts> } {
    const ledger = payment.seedOrder(seedOrderSchema.parse(seed));
    return { ledger: ledgerFacts(ledger), fulfilment: fulfilmentFacts(ledger) };
  }

  test('story A: the ticket issued eleven minutes after the customer was shown "payment failed"', () => {
    const a = read(storyAFlightOrder('LA-1', { paidAt: '2025-03-14T20:05:00+08:00' }));
    expect(fulfilmentConflicts(a.fulfilment, a.ledger)).toEqual([
      { code: 'issuedAfterFailure', at: '2025-03-14T12:16:00.000Z', shownAt: '2025-03-14T12:05:00.000Z', shown: 'payment failed, check your payment provider' },
    ]);
  });

  test('a customer who paid again after the failure knowingly bought the ticket: no contradiction', () => {
    const seed = storyAFlightOrder('LA-2', { paidAt: '2025-03-14T20:05:00+08:00' });
    seed.attempts = [...seed.attempts!, { at: '2025-03-14T20:08:00+08:00', amountFen: 128_600, status: 'SUCCEEDED' }];
    const a = read(seed);
    expect(fulfilmentConflicts(a.fulfilment, a.ledger)).toEqual([]);
  });

  test('a ticket refunded by the order system while the money is still taken; none once the case paid it back', () => {
    const seed = storyAFlightOrder('LA-3', { paidAt: '2025-03-14T20:05:00+08:00' });
    seed.attempts = [{ at: '2025-03-14T20:05:00+08:00', amountFen: 128_600, status: 'SUCCEEDED' }];
    seed.debits = [{ amountFen: 128_600, at: '2025-03-14T20:05:02+08:00' }];
    seed.fulfilmentStatus = { kind: 'ticket', status: 'refunded', at: '2025-03-15T09:00:00+08:00', ticketNo: '781-2100000042', issuedAt: '2025-03-14T20:06:00+08:00' };
    const a = read(seed);
    expect(fulfilmentConflicts(a.fulfilment, a.ledger)).toEqual([{ code: 'ticketUndeliveredCharged', at: '2025-03-15T01:00:00.000Z', netFen: 128_600 }]);
    expect(fulfilmentConflicts(a.fulfilment, a.ledger, 0)).toEqual([]);
  });

  test('story B: a completed ride contradicts nothing; a cancelled ride that was charged does', () => {
    const b = read(storyBRideOrder('LB-1', { dueAt: '2026-11-10T10:00:00+08:00' }));
    expect(b.fulfilment).toMatchObject({ kind: 'ride', status: 'completed' });
    expect(fulfilmentConflicts(b.fulfilment, b.ledger)).toEqual([]);
    const cancelled = { kind: 'ride', status: 'cancelled', at: '2026-11-09T01:00:00.000Z' };
    expect(fulfilmentConflicts(cancelled, b.ledger, 9_000)).toEqual([{ code: 'rideCancelledCharged', at: '2026-11-09T01:00:00.000Z', netFen: 9_000 }]);
    expect(fulfilmentConflicts(null, b.ledger)).toEqual([]);
  });

  test('a status the engine cannot read is no status, never an error', () => {
    expect(fulfilmentFacts({})).toBeNull();
    expect(fulfilmentFacts({ fulfilmentStatus: null })).toBeNull();
    expect(fulfilmentFacts({ fulfilmentStatus: { kind: 'ticket', status: 'issued', at: 'yesterday', ticketNo: 'X' } } as never)).toBeNull();
    expect(fulfilmentFacts({ fulfilmentStatus: { kind: 'ticket', status: 'boarded', at: '2026-11-09T01:00:00Z', ticketNo: 'X' } } as never)).toBeNull();
    expect(fulfilmentFacts({ fulfilmentStatus: { kind: 'ticket', status: 'issued', at: '2026-11-09T01:00:00Z', ticketNo: '' } })).toBeNull();
  });
});

describe("the voucher's outcome in the money's words", () => {
  const voucher = (charge: Record<string, unknown>, refunds: unknown[] = []) => ({ outcome: 'partly_refunded', charge, refunds });

  test('story B: a hold captured at less, no refund, reads as a corrected charge, not a partial refund', () => {
    const v = voucher({ heldFen: 19_610, capturedFen: 12_015, status: 'captured' });
    expect(voucherReading(v)).toBe('reduced_charge');
    expect(outcomeText({ outcome: v.outcome, money: { reading: voucherReading(v) } })).toBe('已按更正金额扣款');
    const released = voucher({ heldFen: 19_610, status: 'released' });
    expect(outcomeText({ outcome: 'refunded', money: { reading: voucherReading(released) } })).toBe('已取消扣款');
  });

  // The printed voucher (domain/voucher.ts) and the voucher page (console) word the outcome apart:
  // for every way the money can have moved, they say the same.
  const charges: Array<[string, Record<string, unknown>]> = [
    ['no hold', {}],
    ['captured in full', { heldFen: 19_610, capturedFen: 19_610, status: 'captured' }],
    ['captured at less', { heldFen: 19_610, capturedFen: 12_015, status: 'captured' }],
    ['released', { heldFen: 19_610, capturedFen: 0, status: 'released' }],
  ];
  const rows = ['refunded', 'partly_refunded'].flatMap((outcome) =>
    charges.flatMap(([name, charge]) => [0, 1].map((n) => [`${outcome}, ${name}, ${n} refund(s)`, outcome, charge, n] as const)),
  );
  test.each(rows)('%s: the voucher page says what the printed voucher says', (_name, outcome, charge, n) => {
    const refunds = Array.from({ length: n }, (_, i) => ({ reference: `RFD${i}`, amountFen: 100, at: '2026-11-10T02:00:00Z' }));
    const v = { outcome, charge, refunds };
    const printed = voucherOutcome(v as Parameters<typeof voucherOutcome>[0]).zh;
    expect(outcomeText({ outcome, money: { reading: voucherReading(v) } })).toBe(printed);
  });

  test('a real refund keeps the outcome; a refund beside a reduced capture says both', () => {
    const refund = { reference: 'RFD1', amountFen: 128_600, at: '2026-11-10T02:00:00Z' };
    expect(outcomeText({ outcome: 'refunded', money: { reading: voucherReading(voucher({}, [refund])) } })).toBe('已全额退款');
    expect(voucherReading(voucher({ heldFen: 19_610, capturedFen: 12_015, status: 'captured' }, [refund]))).toBe('refunded_and_reduced');
    expect(voucherReading(voucher({ heldFen: 19_610, capturedFen: 19_610, status: 'captured' }))).toBe('none');
  });
});
