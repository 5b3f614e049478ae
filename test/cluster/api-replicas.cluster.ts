/**
 * The two API replicas of the cluster act as one: a driver report's nonce spent on one replica is
 * refused by the other (they share Redis), and the case it opened reads the same from both.
 */
import crypto from 'node:crypto';
import { driverReportBody, postDriverReport } from '../api/support/driver';
import { seedStoryBRide } from '../api/support/orders';
import { http, KEYS } from '../faults/http';
import { uniqueOrderId } from '../harness/client';
import { readClusterTest, readInfo } from './runner';

const info = readInfo(readClusterTest().dataDir);

test('a signed driver report replayed to the other API replica is refused, and its case reads the same from both', async () => {
  const orderId = uniqueOrderId('RPL');
  await seedStoryBRide(orderId);
  const body = driverReportBody(orderId);
  const signing = { nonce: crypto.randomUUID(), timestamp: Math.floor(Date.now() / 1000) };
  const first = await postDriverReport(body, { ...signing, baseUrl: info.apiUrls[0] });
  expect([201, 202]).toContain(first.status);
  const replay = await postDriverReport(body, { ...signing, baseUrl: info.apiUrls[1] });
  expect(replay.status).toBe(401);
  expect(JSON.stringify(replay.body)).toContain('nonce');

  const [one, two] = await Promise.all(info.apiUrls.map((url) => http('GET', `${url}/complaints/${first.body.complaintId}`, { key: KEYS.agent })));
  expect([one!.status, two!.status]).toEqual([200, 200]);
  expect(two!.body.caseRef).toBe(one!.body.caseRef);
  expect(two!.body.orderId).toBe(orderId);
});
