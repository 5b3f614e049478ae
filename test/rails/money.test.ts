/** Yuan strings on the rails' wire, integer fen in the engine: exact both ways, no floating point. */
import { fenToYuan, yuanToFen } from '../../activities/rails/payment/money';
import { railRefundNo, RAIL_REFUND_NO } from '../../activities/rails/payment/refund-number';

test.each([
  ['0.01', 1],
  ['0.10', 10],
  ['0.1', 10],
  ['1999.99', 199_999],
  ['100000.00', 10_000_000],
  ['2572.00', 257_200],
])('%s yuan is %d fen and back', (yuan, fen) => {
  expect(yuanToFen(yuan)).toBe(fen);
  expect(yuanToFen(fenToYuan(fen))).toBe(fen);
});

test('fen print as the rails expect: two decimals, no exponent', () => {
  expect([1, 10, 199_999, 10_000_000, 0].map(fenToYuan)).toEqual(['0.01', '0.10', '1999.99', '100000.00', '0.00']);
  // Where binary floating point would drift (0.1 + 0.2, 1.005 * 100), string arithmetic cannot.
  expect(yuanToFen('0.30')).toBe(yuanToFen('0.10') + yuanToFen('0.20'));
  expect(fenToYuan(100_501)).toBe('1005.01');
});

test('amounts the rails would not send are refused, not rounded', () => {
  for (const bad of ['1.005', '-1.00', '1e3', '', '01.00', '1,000.00', 'NaN']) expect(() => yuanToFen(bad)).toThrow(RangeError);
  for (const bad of [0.5, -1, Number.MAX_SAFE_INTEGER + 1]) expect(() => fenToYuan(bad)).toThrow(RangeError);
});

test("today's refund numbers become numbers both rails accept, distinct from each other", () => {
  const a = railRefundNo('ORD1001-3F9A1C2B:refund');
  const b = railRefundNo('ORD1001-3F9A1C2B_refund');
  expect(a).toMatch(RAIL_REFUND_NO);
  expect(b).toBe('ORD1001-3F9A1C2B_refund');
  expect(a).not.toBe(b);
  expect(railRefundNo(`${'X'.repeat(80)}:refund`)).toMatch(RAIL_REFUND_NO);
});
