/**
 * Visibility holds a keyed hash of the customer's phone, never the number: with the key kept by
 * the API, a leaked list of hashes cannot be reversed by hashing every possible number.
 */
import crypto from 'node:crypto';
import { normalisePhone } from '../domain/phone';

export type PhoneHasher = (typed: string) => string | undefined;

export function phoneHasher(secret: string): PhoneHasher {
  return (typed) => {
    const phone = normalisePhone(typed);
    return phone === undefined ? undefined : crypto.createHmac('sha256', secret).update(phone).digest('hex');
  };
}
