/**
 * The books of a template SMS rail (Aliyun, Tencent): every accepted send is a new message,
 * whatever our key says (neither rail dedupes), and its receipt arrives a little later, as on
 * the carrier: delivered, failed (the fail_channel fault) or never (the no_receipt fault).
 */
import type { SmsMessage } from '../../activities/clients/sms';
import { JsonStore } from './store';

export interface RailSmsRecord {
  messageId: string;
  /** Our key as the rail carries it (Aliyun OutId, Tencent SessionContext). */
  outId: string;
  /** E.164, e.g. +8613800000000. */
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  /** What the handset shows, signature first. */
  text: string;
  sentAt: string;
  /** null: the carrier never reports. */
  receipt: { at: string; status: 'DELIVERED' | 'FAILED'; code: string; description: string } | null;
  /** Tencent's PullSmsSendStatus hands each report out once. */
  pulled?: boolean;
}

interface SmsBookData {
  version: 1;
  seq: number;
  messages: RailSmsRecord[];
}

export type ReceiptFate = 'delivered' | 'failed' | 'never';

export class SmsBook {
  readonly store: JsonStore<SmsBookData>;

  constructor(
    dataDir: string,
    readonly rail: 'aliyun' | 'tencent',
    private readonly now: () => Date,
    private readonly receiptDelayMs: number,
  ) {
    this.store = new JsonStore(dataDir, `${rail}-sms`, () => ({ version: 1, seq: 0, messages: [] }));
  }

  record(m: Omit<RailSmsRecord, 'messageId' | 'sentAt' | 'receipt'>, fate: ReceiptFate, idOf: (seq: number) => string): RailSmsRecord {
    return this.store.update((data) => {
      data.seq += 1;
      const now = this.now();
      const at = new Date(now.getTime() + this.receiptDelayMs).toISOString();
      const receipt: RailSmsRecord['receipt'] =
        fate === 'never'
          ? null
          : fate === 'failed'
            ? { at, status: 'FAILED', code: this.rail === 'aliyun' ? 'MK:0001' : 'FAIL', description: 'the carrier could not reach the handset' }
            : { at, status: 'DELIVERED', code: 'DELIVRD', description: 'user received' };
      const record: RailSmsRecord = { ...m, messageId: idOf(data.seq), sentAt: now.toISOString(), receipt };
      data.messages.push(record);
      return structuredClone(record);
    });
  }

  /** The receipt as the rail shows it now: none until its time has come. */
  receiptNow(m: RailSmsRecord): RailSmsRecord['receipt'] {
    return m.receipt && Date.parse(m.receipt.at) <= this.now().getTime() ? m.receipt : null;
  }

  /** Reports that are in and not yet handed out, marked as handed out. */
  pullReceipts(limit: number): RailSmsRecord[] {
    return this.store.update(() => {
      const due = this.messages().filter((m) => !m.pulled && this.receiptNow(m)).slice(0, limit);
      for (const m of due) m.pulled = true;
      return structuredClone(due);
    });
  }

  messages(): RailSmsRecord[] {
    return this.store.data.messages;
  }

  /** In the internal gateway's shape, so /_admin shows every rail's outbox alike. */
  outbox(): Array<SmsMessage & { rail: string; templateCode: string; params: Record<string, string>; statusDetail: string | null }> {
    return this.messages().map((m) => {
      const r = this.receiptNow(m);
      return {
        rail: this.rail,
        bizId: m.messageId,
        outId: m.outId,
        phone: m.phone,
        text: m.text,
        channel: 'sms' as const,
        // A message without its receipt yet is neither: the outbox says so in statusDetail.
        status: r?.status === 'DELIVERED' ? ('DELIVERED' as const) : ('FAILED' as const),
        statusDetail: r ? `${r.code}: ${r.description}` : 'no receipt (yet)',
        sentAt: m.sentAt,
        deliveredAt: r?.status === 'DELIVERED' ? r.at : null,
        errorCode: r?.status === 'FAILED' ? r.code : r ? null : 'NO_RECEIPT',
        templateCode: m.templateCode,
        params: m.params,
      };
    });
  }

  reset(): void {
    this.store.reset();
  }
}
