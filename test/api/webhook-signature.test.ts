import crypto from 'node:crypto';
import { REPLAY_WINDOW_MS, signDriverReport, verifySignedRequest } from '../../api/webhook-signature';
import { MemoryStores } from '../../api/webhook-stores';

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

  test('accepts a fresh signed request once; the nonce cannot come back within the window', async () => {
    const nonces = new MemoryStores();
    expect(await verifySignedRequest(SECRET, request('{"a":1}'), nonces, NOW)).toEqual({ ok: true });
    expect(await verifySignedRequest(SECRET, request('{"a":1}'), nonces, NOW + 1_000)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/nonce/) });
  });

  test('an unsigned, mis-signed or badly shaped request never records its nonce', async () => {
    const nonces = new MemoryStores();
    const good = request('{}', { nonce: 'nonce-0002' });
    expect(await verifySignedRequest(SECRET, { ...good, signature: 'a'.repeat(64) }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(await verifySignedRequest(SECRET, { ...good, signature: 'xyz' }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(await verifySignedRequest(SECRET, { ...good, timestamp: '12.5' }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(await verifySignedRequest(SECRET, { ...good, nonce: 'short' }, nonces, NOW)).toMatchObject({ status: 401 });
    expect(await verifySignedRequest(SECRET, good, nonces, NOW)).toEqual({ ok: true });
  });

  test('timestamps more than 5 minutes off either way are refused', async () => {
    const nonces = new MemoryStores();
    expect(await verifySignedRequest(SECRET, request('{}', { at: NOW - REPLAY_WINDOW_MS - 1_000, nonce: 'nonce-old1' }), nonces, NOW)).toMatchObject({ status: 401 });
    expect(await verifySignedRequest(SECRET, request('{}', { at: NOW + REPLAY_WINDOW_MS + 1_000, nonce: 'nonce-new1' }), nonces, NOW)).toMatchObject({ status: 401 });
    expect(await verifySignedRequest(SECRET, request('{}', { at: NOW - REPLAY_WINDOW_MS + 1_000, nonce: 'nonce-edge' }), nonces, NOW)).toEqual({ ok: true });
  });

  test('a request stamped 4.5 minutes ahead cannot be replayed 5 minutes 1 second after it arrived, nor just before its stamp leaves the window', async () => {
    const nonces = new MemoryStores();
    const ahead = request('{"a":2}', { at: NOW + 270_000, nonce: 'nonce-ahead' });
    expect(await verifySignedRequest(SECRET, ahead, nonces, NOW)).toEqual({ ok: true });
    expect(await verifySignedRequest(SECRET, ahead, nonces, NOW + REPLAY_WINDOW_MS + 1_000)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/nonce/) });
    expect(await verifySignedRequest(SECRET, ahead, nonces, NOW + 270_000 + REPLAY_WINDOW_MS)).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/nonce/) });
    // Once the stamp itself is out of the window the timestamp check refuses it.
    expect(await verifySignedRequest(SECRET, ahead, nonces, NOW + 270_000 + REPLAY_WINDOW_MS + 1_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/window/) });
  });

  test('the nonce store forgets only expired nonces and, when full of live ones, fails closed (503)', async () => {
    const nonces = new MemoryStores(2);
    const until = NOW + REPLAY_WINDOW_MS;
    expect(await nonces.remember('n1', until, NOW)).toBe('new');
    expect(await nonces.remember('n2', until + 1, NOW + 1)).toBe('new');
    expect(await nonces.remember('n3', until + 2, NOW + 2)).toBe('full');
    expect(await verifySignedRequest(SECRET, request('{}', { nonce: 'nonce-full' }), nonces, NOW + 3)).toMatchObject({ ok: false, status: 503 });
    expect(await nonces.remember('n1', until + 10, until - 1)).toBe('seen');
    expect(await nonces.remember('n3', until + 10, until)).toBe('new');
  });

  test('the rate counter counts per key in fixed windows', async () => {
    const stores = new MemoryStores();
    expect(await stores.hit('driver:A', 60_000, NOW)).toEqual({ count: 1, resetAt: NOW + 60_000 });
    expect((await stores.hit('driver:A', 60_000, NOW + 10)).count).toBe(2);
    expect((await stores.hit('driver:B', 60_000, NOW + 10)).count).toBe(1);
    expect((await stores.hit('driver:A', 60_000, NOW + 60_000)).count).toBe(1);
  });
});
