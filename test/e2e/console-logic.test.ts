/**
 * The console's pure helpers (plain ES modules under console/js), checked without a browser:
 * yuan to fen without floating point; the wording of the server's verdicts in Chinese and English,
 * driven by the case machine's own allowedActions so a new refusal code cannot go unworded; and
 * the amount probe, whose latest answer wins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allowedActions, type AllowedAction } from '../../domain/case/machine';
import { initialState, type Actor, type ComplaintState } from '../../domain/case/state';
import { DEFAULT_POLICY } from '../../domain/policy';
import { STATUSES, type Level } from '../../domain/types';

// The modules read the language from localStorage each time they word something.
let lang = 'en';
(globalThis as Record<string, unknown>).localStorage = { getItem: () => lang, setItem: () => undefined };

const format = require('../../console/js/format.js') as {
  yuanToFen(text: string): number | null;
  fen(amount: number): string;
  maskPhone(phone: string): string | null;
  duration(ms: number): string;
};
interface Verdict {
  allowed: boolean;
  unknown?: boolean;
  code?: string;
  params?: Record<string, string | number>;
  reason?: string;
  kind?: string;
}
const verdicts = require('../../console/js/verdicts.js') as {
  WORDED_CODES: string[];
  BUTTON_OF: Record<string, string>;
  verdictText(v: Verdict): string;
  verdictsByButton(allowed: unknown): Record<string, Verdict>;
  amountVerdicts(answer: unknown): { propose: Verdict; forApproval: Verdict };
};
const { amountProbe } = require('../../console/js/amount-probe.js') as {
  amountProbe(o: { ask(fen: number): Promise<unknown>; onAnswer(fen: number, answer: unknown): void; delayMs?: number }): { request(fen: number): void; cancel(): void };
};

function inLang<T>(l: 'zh' | 'en', fn: () => T): T {
  const before = lang;
  lang = l;
  try {
    return fn();
  } finally {
    lang = before;
  }
}

/** English words in a Chinese sentence: anything of two letters or more besides level tags like L2. */
const englishIn = (text: string) => text.replace(/\bL\d\b/g, '').match(/[A-Za-z]{2,}/g) ?? [];

describe('console money and text helpers', () => {
  test.each([
    ['800', 80_000],
    ['199.5', 19_950],
    ['0.01', 1],
    ['1,200.00', 120_000],
    ['¥200', 20_000],
    [' 12 ', 1_200],
  ])('yuan %p is %p fen', (text, fen) => {
    expect(format.yuanToFen(text)).toBe(fen);
  });

  test.each(['', 'abc', '1.234', '-5', '1e3', '12.'])('%p is not an amount', (text) => {
    expect(format.yuanToFen(text)).toBeNull();
  });

  test('fen, phone masking and durations', () => {
    expect(format.fen(20_000)).toBe('¥200.00');
    expect(format.fen(123_456_789)).toBe('¥1,234,567.89');
    expect(format.maskPhone('+8613800138000')).toBe('+86 ****8000');
    expect(format.maskPhone('+8613800138000')).not.toContain('138001');
    expect(format.duration(9 * 3_600_000 + 59 * 60_000 + 58_000)).toBe('9h 59m 58s');
    expect(format.duration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2d 3h');
  });
});

/** A case in every state the console can meet, with the rules loaded (what the guards read). */
function caseIn(status: ComplaintState['status'], level: Level, extra: { pendingFen?: number; manualStep?: string; owner?: string } = {}): ComplaintState {
  const s = initialState(
    {
      orderId: 'ORD-LOGIC-1',
      customerId: 'CUST-1',
      category: 'payment_dispute',
      tier: 'individual',
      channel: 'console',
      orderKind: 'flight',
      description: 'charged after a failed payment',
      customer: { name: 'Li', phone: '+8613800000000', language: 'zh' },
      createdBy: { id: 'agent-li', role: 'agent' },
      intakeId: 'i-1',
    },
    { complaintId: 'complaint-ORD-LOGIC-1', caseRef: 'ORD-LOGIC-1-ABCD' },
    '2026-12-01T10:00:00+08:00',
  );
  s.status = status;
  s.level = level;
  if (status !== 'received') s.machine.rules = { policy: DEFAULT_POLICY, calendar: {} as never };
  if (status === 'closed') s.machine.decision = { kind: 'resolve', actor: { id: 'agent-li', role: 'agent' }, reason: 'done' };
  if (extra.owner) s.owner = extra.owner;
  if (extra.pendingFen !== undefined) {
    s.pendingProposal = { proposedBy: { id: 'agent-li', role: 'agent' }, kind: 'compensation', refundFen: extra.pendingFen, feeFen: 0, feeRule: 'not_a_cancellation', platformAtFault: true, reason: 'r', needsLevel: 2, at: '2026-12-01T10:00:00+08:00' };
  }
  if (status === 'needs_manual') {
    s.manual = { reason: 'the rail refused the refund', step: extra.manualStep ?? 'money:0', since: '2026-12-01T10:00:00+08:00', deadline: '2026-12-01T14:00:00+08:00', autoRetries: 3 };
    s.owner = 'queue:ops';
  }
  return s;
}

/** Every verdict the server can send the console, over states, people and typed amounts. */
function everyVerdict(): Array<{ where: string; v: AllowedAction }> {
  const people: Actor[] = [
    { id: 'agent-li', role: 'agent' },
    { id: 'expert-wang', role: 'expert' },
    { id: 'supervisor-zhao', role: 'supervisor' },
    { id: 'ops-chen', role: 'ops' },
  ];
  const out: Array<{ where: string; v: AllowedAction }> = [];
  for (const status of STATUSES) {
    for (const level of [1, 2, 3] as const) {
      for (const extra of [{}, { pendingFen: 80_000 }, { pendingFen: 300_000 }, { pendingFen: 5_000_000 }, { manualStep: 'apology' }, { owner: 'expert-wang' }]) {
        const state = caseIn(status, level, extra);
        for (const actor of people) {
          for (const refundFen of [undefined, 1, 80_000, 300_000, 5_000_000]) {
            const answer = allowedActions(state, actor, refundFen === undefined ? {} : { refundFen });
            const where = `${status} L${level} ${JSON.stringify(extra)} ${actor.role} ${refundFen ?? '-'}`;
            for (const v of answer.actions) out.push({ where, v });
            if (answer.forApproval) out.push({ where: `${where} forApproval`, v: answer.forApproval });
          }
        }
      }
    }
  }
  return out;
}

describe("the server's verdicts, worded by the console", () => {
  const all = everyVerdict();
  const refused = all.filter(({ v }) => !v.allowed);
  const codes = [...new Set(refused.map(({ v }) => v.code).filter(Boolean))] as string[];

  test('the case machine refuses for many reasons across these cases (the sweep is not vacuous)', () => {
    expect(codes).toEqual(expect.arrayContaining(['read_only', 'not_open', 'above_level', 'exceeds', 'exceeds_all', 'within_limit', 'no_pending', 'top', 'not_investigating', 'not_awaiting', 'ops_only', 'nothing_for_ops', 'owned_by_me', 'opening']));
  });

  test('every code the machine sends is worded by the console, never left to the English fallback', () => {
    const unworded = codes.filter((c) => !verdicts.WORDED_CODES.includes(c));
    expect(unworded).toEqual([]);
    const bad = refused
      .filter(({ v }) => v.code)
      .flatMap(({ where, v }) => (['zh', 'en'] as const).map((l) => ({ where, l, reason: v.reason, text: inLang(l, () => verdicts.verdictText(v)) })))
      .filter(({ text, reason }) => text === reason || /\{\w+\}/.test(text) || text === '');
    expect(bad).toEqual([]);
  });

  test('no English leaks into the Chinese wording of any verdict', () => {
    const leaks = refused
      .filter(({ v }) => v.code)
      .map(({ where, v }) => ({ where, code: v.code, text: inLang('zh', () => verdicts.verdictText(v)) }))
      .filter(({ text }) => englishIn(text).length > 0);
    expect(leaks).toEqual([]);
  });

  test.each(verdicts.WORDED_CODES)('code %s reads as a sentence in zh and en, with no English in the Chinese', (code) => {
    const v = { allowed: false, code, params: { status: 'awaiting_customer', caseLevel: 2, myLevel: 1, amountFen: 80_000, limitFen: 20_000, approverLevel: 2, topFen: 2_000_000 }, reason: 'the server sentence' };
    const zh = inLang('zh', () => verdicts.verdictText(v));
    const en = inLang('en', () => verdicts.verdictText(v));
    for (const text of [zh, en]) {
      expect(text).not.toBe(v.reason);
      expect(text).not.toMatch(/\{\w+\}|undefined|—/);
    }
    expect(englishIn(zh)).toEqual([]);
    expect(en).toMatch(/^[A-Z¥]/);
    expect(zh).not.toBe(en);
  });

  test('a refusal without a code is only ever one of the ops actions, which the console hides when refused', () => {
    const codeless = [...new Set(refused.filter(({ v }) => !v.code).map(({ v }) => v.action))];
    expect(codeless.every((a) => ['settle-by-hand', 'close-with-apology'].includes(a))).toBe(true);
  });

  test('the authority refusal names the amount, my limit and who can approve, in both languages', () => {
    const v = allowedActions(caseIn('investigating', 1), { id: 'agent-li', role: 'agent' }, { refundFen: 80_000 }).actions.find((a) => a.action === 'propose-settlement')!;
    expect(v).toMatchObject({ allowed: false, code: 'exceeds', byLevel: 2 });
    expect(inLang('en', () => verdicts.verdictText(v))).toBe('¥800.00 exceeds the agent limit ¥200.00; an expert (level 2) must approve it.');
    expect(inLang('zh', () => verdicts.verdictText(v))).toBe('¥800.00 超出客服专员的权限上限 ¥200.00；需由投诉专家（L2）批准。');
    const top = allowedActions(caseIn('investigating', 3), { id: 'supervisor-zhao', role: 'supervisor' }, { refundFen: 5_000_000 }).actions.find((a) => a.action === 'propose-settlement')!;
    expect(inLang('zh', () => verdicts.verdictText(top))).toBe('¥50,000.00 超出所有级别的权限（最高 ¥20,000.00），需在案件之外走财务审批。');
  });

  test('status parameters are worded as the UI names the status', () => {
    const v = { allowed: false, code: 'not_open', params: { status: 'needs_manual' }, reason: 'the case is needs_manual; no more decisions can be taken' };
    expect(inLang('zh', () => verdicts.verdictText(v))).toBe('案件状态为“待人工处理”，不能再做决定。');
    expect(inLang('en', () => verdicts.verdictText(v))).toBe('The case is needs ops; no more decisions can be taken.');
  });

  test("an unknown code, or a known one missing its params, falls back to the server's sentence", () => {
    expect(verdicts.verdictText({ allowed: false, code: 'brand_new_rule', reason: 'a rule the console has not heard of' })).toBe('a rule the console has not heard of');
    expect(verdicts.verdictText({ allowed: false, code: 'exceeds', params: { amountFen: 1 }, reason: 'over the limit' })).toBe('over the limit');
    expect(inLang('zh', () => verdicts.verdictText({ allowed: false }))).toBe('服务器不允许此操作。');
    expect(verdicts.verdictText({ allowed: true })).toBe('');
  });

  test('buttons the server said nothing about are left to the server; every server action has a button name', () => {
    const none = verdicts.verdictsByButton(undefined);
    expect(Object.values(none).every((v) => v.allowed && v.unknown)).toBe(true);
    const answer = allowedActions(caseIn('investigating', 2), { id: 'agent-li', role: 'agent' });
    for (const v of answer.actions) expect(verdicts.BUTTON_OF[v.action]).toBeDefined();
    const mapped = verdicts.verdictsByButton(answer);
    expect(mapped.escalate).toMatchObject({ allowed: false, code: 'above_level' });
    expect(mapped.note).toMatchObject({ allowed: true });
    expect(verdicts.amountVerdicts({ error: new Error('404') })).toEqual({ propose: expect.objectContaining({ unknown: true }), forApproval: expect.objectContaining({ unknown: true }) });
  });
});

test('the console keeps no copy of the rules: no authority mirror, no limits read from the case', () => {
  const dir = path.join(__dirname, '..', '..', 'console', 'js');
  expect(fs.existsSync(path.join(dir, 'authority.js'))).toBe(false);
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')] as const);
  expect(sources.filter(([, text]) => /authorityFen|approverLevelFor|OPEN_FOR_ACTIONS/.test(text)).map(([f]) => f)).toEqual([]);
});

describe('the amount probe', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('typing quickly asks once, for the last amount', async () => {
    const asked: number[] = [];
    const answers: number[] = [];
    const probe = amountProbe({ ask: async (f) => (asked.push(f), f), onAnswer: (f) => answers.push(f), delayMs: 20 });
    for (const f of [800, 8_000, 80_000]) probe.request(f);
    await sleep(80);
    expect(asked).toEqual([80_000]);
    expect(answers).toEqual([80_000]);
  });

  test('a slow answer to an earlier amount never overwrites the latest one', async () => {
    const release: Record<number, (v: unknown) => void> = {};
    const answers: Array<[number, unknown]> = [];
    const probe = amountProbe({ ask: (f) => new Promise((resolve) => (release[f] = resolve)), onAnswer: (f, a) => answers.push([f, a]), delayMs: 5 });
    probe.request(8_000);
    await sleep(30);
    probe.request(80_000);
    await sleep(30);
    release[80_000]!({ for: 80_000 });
    await sleep(5);
    release[8_000]!({ for: 8_000 });
    await sleep(5);
    expect(answers).toEqual([[80_000, { for: 80_000 }]]);
  });

  test('a failed request is an answer too (the server decides), and cancel drops what is in flight', async () => {
    const answers: unknown[] = [];
    const probe = amountProbe({ ask: async () => Promise.reject(new Error('404')), onAnswer: (_f, a) => answers.push(a), delayMs: 5 });
    probe.request(1);
    await sleep(30);
    expect(answers).toEqual([{ error: expect.any(Error) }]);
    probe.request(2);
    probe.cancel();
    await sleep(30);
    expect(answers).toHaveLength(1);
  });
});
