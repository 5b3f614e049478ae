/** /history is paged: pages follow nextPageToken, add up to the whole timeline, and each decrypts only its own events. */
import { Client, Connection } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { decodedHistory, decodedHistoryPage } from '../../api/history-source';
import { FAILURE_CONVERTER_PATH, payloadCodec } from '../../codec/data-converter';
import { api, harness, untilClosed, uniqueOrderId } from '../harness/client';
import { driverReportBody, postDriverReport } from './support/driver';
import { seedStoryBRide } from './support/orders';

let id = '';

beforeAll(async () => {
  const orderId = uniqueOrderId('PAGE');
  await seedStoryBRide(orderId);
  const res = await postDriverReport(driverReportBody(orderId));
  expect(res.status).toBe(202);
  id = res.body.complaintId;
  await untilClosed(id);
});

async function allPages(pageSize: number) {
  const entries: unknown[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await api('GET', `/complaints/${id}/history?pageSize=${pageSize}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
    expect(res.status).toBe(200);
    entries.push(...res.body.entries);
    token = res.body.nextPageToken;
    pages += 1;
  } while (token && pages < 100);
  return { entries, pages };
}

test('small pages add up to the whole timeline, in order', async () => {
  const whole = await api('GET', `/complaints/${id}/history?pageSize=500`);
  expect(whole.body.nextPageToken).toBeUndefined();
  const paged = await allPages(3);
  expect(paged.pages).toBeGreaterThan(3);
  expect(paged.entries).toEqual(whole.body.entries);
});

test('a garbage token, a forged one or one from another case is a 400', async () => {
  const first = await api('GET', `/complaints/${id}/history?pageSize=3`);
  const token = first.body.nextPageToken as string;
  expect(token).toEqual(expect.any(String));
  for (const bad of ['garbage', `${token}x`, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
    expect((await api('GET', `/complaints/${id}/history?pageToken=${encodeURIComponent(bad)}`)).status).toBe(400);
  }
  expect((await api('GET', `/complaints/complaint-OTHER1/history?pageToken=${encodeURIComponent(token)}`)).status).toBe(400);
  expect((await api('GET', `/complaints/${id}/history?pageSize=0`)).status).toBe(400);
});

test('a page decrypts its own payloads, not the whole history', async () => {
  const inner = payloadCodec({});
  let decoded = 0;
  const counting: PayloadCodec = {
    encode: (p: Payload[]) => inner.encode(p),
    decode: async (p: Payload[]) => {
      decoded += p.length;
      return inner.decode(p);
    },
  };
  const connection = await Connection.connect({ address: harness.temporalAddress });
  try {
    const client = new Client({ connection, namespace: harness.namespace, dataConverter: { payloadCodecs: [counting], failureConverterPath: FAILURE_CONVERTER_PATH } });
    await decodedHistory(client, id);
    const whole = decoded;
    decoded = 0;
    const first = await decodedHistoryPage(client, id, { afterEventId: 0, pageSize: 2 });
    expect(first.more).toBe(true);
    decoded = 0;
    await decodedHistoryPage(client, id, { runId: first.runId, afterEventId: first.lastEventId!, pageSize: 2 });
    expect(whole).toBeGreaterThan(10);
    // The page's own (2 events, each with its scheduling input) plus the case's opening input.
    expect(decoded).toBeLessThanOrEqual(5);
  } finally {
    await connection.close();
  }
});
