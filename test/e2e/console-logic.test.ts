/**
 * The console's pure helpers (plain ES modules under console/js), checked without a browser:
 * yuan to fen without floating point, and the authority mirror agreeing with the domain rule.
 */
import { checkSettlementAuthority, ROLE_LEVEL } from '../../domain/authority';
import { DEFAULT_POLICY } from '../../domain/policy';

// The modules read the language from localStorage when they format text.
(globalThis as Record<string, unknown>).localStorage = { getItem: () => 'en', setItem: () => undefined };

const format = require('../../console/js/format.js') as {
  yuanToFen(text: string): number | null;
  fen(amount: number): string;
  maskPhone(phone: string): string | null;
  duration(ms: number): string;
};
const authority = require('../../console/js/authority.js') as {
  settlementVerdict(authorityFen: Record<number, number>, me: { role: string; level: number | null }, amountFen: number): { allowed: boolean; reason?: string; approverLevel?: number };
};

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

describe('console authority mirror agrees with domain/authority.ts', () => {
  const limits = DEFAULT_POLICY.authorityFen;
  const amounts = [0, 1, 20_000, 20_001, 80_000, 200_000, 200_001, 2_000_000, 2_000_001];
  for (const role of ['agent', 'expert', 'supervisor'] as const) {
    test.each(amounts)(`${role} settling %p fen`, (amount) => {
      const domain = checkSettlementAuthority(DEFAULT_POLICY, role, amount);
      const mirror = authority.settlementVerdict(limits, { role, level: ROLE_LEVEL[role]! }, amount);
      expect(mirror.allowed).toBe(domain.allowed);
      if (!domain.allowed) {
        expect(mirror.approverLevel).toBe(domain.approverLevel);
        expect(mirror.reason).toMatch(/exceeds/);
      }
    });
  }

  test('the reason names the limit and who can approve', () => {
    const verdict = authority.settlementVerdict(limits, { role: 'agent', level: 1 }, 80_000);
    expect(verdict.reason).toBe('¥800.00 exceeds the agent limit ¥200.00; an expert (level 2) must approve it.');
  });

  test('ops is read-only', () => {
    expect(authority.settlementVerdict(limits, { role: 'ops', level: null }, 1).allowed).toBe(false);
  });
});
