/**
 * Yuan strings (the rails' wire format, "1999.99") to integer fen and back, by string
 * arithmetic only: 0.1 + 0.2 style binary fractions never touch an amount.
 */

const YUAN = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/;

export function yuanToFen(yuan: string): number {
  const m = YUAN.exec(yuan.trim());
  if (!m) throw new RangeError(`not a yuan amount with at most two decimals: ${JSON.stringify(yuan)}`);
  const fraction = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(fraction);
}

export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a non-negative integer amount of fen: ${fen}`);
  const s = String(fen).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
