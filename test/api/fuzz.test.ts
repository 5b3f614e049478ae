/**
 * Hostile input to every endpoint, generated with fast-check: malformed, oversized, wrongly typed
 * and prototype-polluting bodies, odd path ids and query strings. Every request is invalid by
 * construction. Expected: no 5xx at all, no case started, the existing case unchanged.
 */
import fc from 'fast-check';
import { temporal } from '@temporalio/proto';
import { actionSchemas, type ActionName } from '../../api/schemas';
import { api, complaintBody, harness, KEYS, openComplaint, temporalClient, untilState } from '../harness/client';
import { ACTIONS } from './support/actions';
import { driverReportBody, signedHeaders } from './support/driver';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const statuses: number[] = [];
const usedOrderIds = new Set<string>();

async function send(method: string, path: string, raw?: string, key: string | null = KEYS.supervisor) {
  const headers: Record<string, string> = { connection: 'close' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${harness.apiUrl}${path}`, { method, headers, body: raw });
  await res.arrayBuffer();
  statuses.push(res.status);
  return res.status;
}

/** Values of every JSON type, some huge, some hostile. */
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ minLength: 2_000, maxLength: 5_000 }),
  fc.constantFrom(null, -1, 1e309, '', ' ', '\u0000', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', { __proto__: { admin: true } }, [[[]]]),
);

/** A value of any JSON type but the one given, so the field can never be valid. */
function wrongTypeFor(original: unknown) {
  const kinds = {
    string: fc.string(),
    number: fc.double({ noNaN: true }),
    boolean: fc.boolean(),
    array: fc.array(fc.integer(), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
    null: fc.constant(null),
  };
  const kind = original === null ? 'null' : Array.isArray(original) ? 'array' : typeof original;
  return fc.oneof(...Object.entries(kinds).filter(([k]) => k !== kind).map(([, arb]) => arb));
}

/** A valid body broken one way: an unknown key, a field of the wrong type, or not an object at all. */
function broken(valid: Record<string, unknown>) {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.record({ extra: fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !keys.includes(k)), value: junk }).map(({ extra, value }) => ({ ...valid, [extra]: value })),
    fc.record({ value: junk }).map(({ value }) => JSON.parse(JSON.stringify({ ...valid, ['__proto__']: value, constructor: { prototype: value } }))),
    ...(keys.length ? [fc.constantFrom(...keys).chain((k) => wrongTypeFor(valid[k]).map((value) => ({ ...valid, [k]: value })))] : []),
    junk.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  );
}

let sentinel: { id: string; orderId: string };
let historyLength = 0;

async function eventsOf(id: string): Promise<number> {
  const { client, close } = await temporalClient();
  try {
    const history = await client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? []).filter((e) => e.eventType !== temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED).length;
  } finally {
    await close();
  }
}

beforeAll(async () => {
  sentinel = await openComplaint();
  await untilState(sentinel.id, (s) => s.status === 'investigating');
  historyLength = await eventsOf(sentinel.id);
});

afterAll(() => {
  // A summary for whoever reads the log: how many requests, which statuses.
  const counts = statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});
  console.log(`fuzz: ${statuses.length} requests, statuses ${JSON.stringify(counts)}`);
});

test('POST /complaints: broken bodies are 4xx and open nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ minLength: 6, maxLength: 12 }).map((s) => `FZ${Buffer.from(s).toString('hex').slice(0, 20)}`), fc.nat(), async (orderId, seed) => {
      usedOrderIds.add(orderId);
      const body = fc.sample(broken(complaintBody(orderId) as Record<string, unknown>), { numRuns: 1, seed })[0];
      const status = await send('POST', '/complaints', JSON.stringify(body));
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }),
    { numRuns: RUNS },
  );
  const raw = await send('POST', '/complaints', '{"orderId": "FZX", "customer": {');
  expect(raw).toBe(400);
});

test('every agent action with a broken body is 4xx and leaves the case as it was', async () => {
  const names = Object.keys(actionSchemas) as ActionName[];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...names), fc.nat(), async (action, seed) => {
      const body = fc.sample(broken(ACTIONS[action]), { numRuns: 1, seed })[0];
      const status = await send('POST', `/complaints/${sentinel.id}/actions/${action}`, JSON.stringify(body));
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }),
    { numRuns: RUNS },
  );
});

test('odd ids, action names and query strings are 4xx on every route', async () => {
  const idish = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('complaint-', 'complaint-%00', 'complaint-..%2F..', `${'complaint-'}${'A'.repeat(300)}`, '%E4%BD%A0%E5%A5%BD'));
  await fc.assert(
    fc.asyncProperty(idish, fc.string({ maxLength: 30 }), async (id, action) => {
      const path = encodeURIComponent(id).replace(/%25/g, '%');
      for (const [method, route, body] of [
        ['GET', `/complaints/${path}`, undefined],
        ['GET', `/complaints/${path}/history`, undefined],
        ['GET', `/complaints/${path}/voucher?format=${encodeURIComponent(action)}`, undefined],
        ['POST', `/complaints/${path}/actions/${encodeURIComponent(action)}`, '{}'],
        ['POST', `/complaints/${path}/customer-reply`, '{"text": 1}'],
        ['POST', `/complaints/${path}/ops-retry`, '[]'],
      ] as const) {
        const status = await send(method, route, body);
        expect(status).toBeLessThan(500);
      }
    }),
    { numRuns: Math.ceil(RUNS / 2) },
  );
  const queries = fc.dictionary(fc.constantFrom('status', 'level', 'orderId', 'owner', 'breached', 'deadlineBefore', 'pageSize', 'pageToken', 'x'), fc.oneof(fc.string({ maxLength: 200 }), fc.integer().map(String)), { maxKeys: 6 });
  await fc.assert(
    fc.asyncProperty(queries, async (q) => {
      const status = await send('GET', `/complaints?${new URLSearchParams(q as Record<string, string>)}&status=a&status=b`);
      expect(status).toBe(400);
    }),
    { numRuns: Math.ceil(RUNS / 2) },
  );
});

test('the driver webhook: unsigned, missigned or malformed reports are refused and start nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat(), fc.boolean(), async (seed, sign) => {
      const orderId = `FZD${seed}`;
      usedOrderIds.add(orderId);
      const body = fc.sample(broken(driverReportBody(orderId) as Record<string, unknown>), { numRuns: 1, seed })[0];
      const raw = JSON.stringify(body);
      const headers = sign ? signedHeaders(raw) : { 'content-type': 'application/json', 'x-signature': 'f'.repeat(64), 'x-timestamp': '1', 'x-nonce': 'nonce-nonce' };
      const res = await fetch(`${harness.apiUrl}/webhooks/driver-reports`, { method: 'POST', headers: { ...headers, connection: 'close' }, body: raw });
      await res.arrayBuffer();
      statuses.push(res.status);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }),
    // The webhook is rate-limited per address; stay well under it so other test files are unaffected.
    { numRuns: 20 },
  );
});

test('after all that: not one 5xx, no case opened for a fuzzed order, the existing case untouched', async () => {
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  // The only successes are reads: an empty id turns /complaints/<id> into the list itself.
  for (const orderId of [...usedOrderIds].slice(0, 60)) {
    expect((await api('GET', `/complaints/complaint-${orderId}`)).status).toBe(404);
  }
  expect(await eventsOf(sentinel.id)).toBe(historyLength);
  const state = (await api('GET', `/complaints/${sentinel.id}`, { key: KEYS.ops })).body;
  expect(state).toMatchObject({ status: 'investigating', level: 1, owner: 'queue:agents', notes: [] });
});
