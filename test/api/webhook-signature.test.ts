import crypto from 'node:crypto';
import { NonceStore, REPLAY_WINDOW_MS, signDriverReport, verifySignedRequest } from '../../api/webhook-signature';

const SECRET = 'unit-test-webhook-secret';
const NOW = Date.parse('2026-03-02T02:00:00Z');

function request(body: string, opts: { nonce?: string; at?: number } = {}) {
  const timestamp = String(Math.floor((opts.at ?? NOW) / 1000));
  const nonce = opts.nonce ?? 'nonce-0001';
  return { signature: signDriverReport(SECRET, body, timestamp, nonce), timestamp, nonce, rawBody: Buffer.from(body) };
}

describe('driver webhook signatures (pure)', () => {
  test('the signature is the hex HMAC-SHA256 of `${timestamp}.${nonce}.${body}`', () => {
    expect(signDriverReport('k', '{}', 1, 'n')).toBe(crypto.createHmac('sha256', 'k').update('1.n.{}').digest('hex'));
  });

  test('accepts a fresh signed request once; the nonce cannot come back within the window', () => {
    const nonces = new NonceStore();
    expect(verifySignedRequest(SECRET, request('{"a":1}'), nonces, NOW)).toEqual({ ok: true });
    expect(verifySignedRequest(SECRET, request('{"a":1}'), nonces, NOW + 1_000)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/nonce/) });
  });

  test('an unsigned, mis-signed or badly shaped request never records its nonce', () => {
    const nonces = new NonceStore();
    const good = request('{}', { nonce: 'nonce-0002' });
    expect(verifySignedRequest(SECRET, { ...good, signature: 'a'.repeat(64) }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(verifySignedRequest(SECRET, { ...good, signature: 'xyz' }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(verifySignedRequest(SECRET, { ...good, timestamp: '12.5' }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(verifySignedRequest(SECRET, { ...good, nonce: 'short' }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(verifySignedRequest(SECRET, good, nonces, NOW)).toEqual({ ok: true });
  });

  test('timestamps more than 5 minutes off either way are refused', () => {
    const nonces = new NonceStore();
    expect(verifySignedRequest(SECRET, request('{}', { at: NOW - REPLAY_WINDOW_MS - 1_000, nonce: 'nonce-old1' }), nonces, NOW)).toMatchObject({ status: 401 });
    expect(verifySignedRequest(SECRET, request('{}', { at: NOW + REPLAY_WINDOW_MS + 1_000, nonce: 'nonce-new1' }), nonces, NOW)).toMatchObject({ status: 401 });
    expect(verifySignedRequest(SECRET, request('{}', { at: NOW - REPLAY_WINDOW_MS + 1_000, nonce: 'nonce-edge' }), nonces, NOW)).toEqual({ ok: true });
  });

  test('the nonce store forgets only expired nonces and, when full of live ones, fails closed (503)', () => {
    const nonces = new NonceStore(2);
    expect(nonces.remember('n1', NOW)).toBe('new');
    expect(nonces.remember('n2', NOW + 1)).toBe('new');
    expect(nonces.remember('n3', NOW + 2)).toBe('full');
    expect(verifySignedRequest(SECRET, request('{}', { nonce: 'nonce-full' }), nonces, NOW + 3)).toMatchObject({ ok: false, status: 503 });
    expect(nonces.remember('n1', NOW + REPLAY_WINDOW_MS - 1)).toBe('seen');
    expect(nonces.remember('n3', NOW + REPLAY_WINDOW_MS)).toBe('new');
  });
});
