/**
 * One phone number, one spelling: the number a customer gave at intake and the one an agent types
 * into the search box must hash the same, so both are brought to E.164 (mainland China by default).
 */

/** The E.164 form of a typed number, or undefined when it cannot be a phone number. */
export function normalisePhone(typed: string): string | undefined {
  const compact = typed.trim().replace(/[\s().-]/g, '');
  if (!/^(\+|00)?[0-9]{6,15}$/.test(compact)) return undefined;
  if (compact.startsWith('+')) return compact;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  // A mainland mobile number is written without its country code: 11 digits starting with 1.
  if (/^1[3-9][0-9]{9}$/.test(compact)) return `+86${compact}`;
  if (/^86 ?1[3-9][0-9]{9}$/.test(compact)) return `+${compact}`;
  return compact;
}
