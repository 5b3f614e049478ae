/**
 * Test and benchmark controls. No API key: the simulator listens on 127.0.0.1 only.
 */
import { Router } from 'express';
import { z } from 'zod';
import { faultInputSchema, type Faults } from '../lib/faults';
import { parseBody, Problem } from '../lib/http';
import { postStatusCallback } from '../oa/callback';
import type { OaService } from '../oa/service';
import type { PaymentService } from '../payment/service';
import type { SmsService } from '../sms/service';
import { seedOaInstanceSchema, seedOrderSchema } from './seed-schema';
import type { RailSimulators } from '../rails';

export interface AdminDeps {
  payment: PaymentService;
  sms: SmsService;
  oa: OaService;
  faults: Faults;
  rails: RailSimulators;
}

const statusBody = z.object({ status: z.enum(['PENDING', 'APPROVED', 'REJECTED']), rail: z.enum(['internal', 'dingtalk', 'feishu']).default('internal') });
const eventUrlsBody = z.object({ dingtalk: z.url().nullable().optional(), feishu: z.url().nullable().optional() });
const railQuery = z.object({ orderId: z.string().min(1), rail: z.enum(['internal', 'dingtalk', 'feishu']).default('internal') });

export function adminRouter({ payment, sms, oa, faults, rails }: AdminDeps): Router {
  const r = Router();

  r.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  r.post('/orders', (req, res) => {
    const seed = parseBody(seedOrderSchema, req.body);
    const inst = seed.oaInstance;
    // Checked before the payment side is written, so a conflict leaves nothing half-seeded.
    if (inst?.instanceId && oa.store.data.instances[inst.instanceId]) {
      throw new Problem(409, 'INSTANCE_EXISTS', `approval instance ${inst.instanceId} already exists`);
    }
    const ledger = payment.seedOrder(seed);
    const oaInstance = inst ? oa.create({ ...inst, orderId: seed.orderId, enterpriseId: seed.enterpriseId }) : null;
    // The enterprise's approval lives in whichever OA it uses: every approval rail gets it, under one id.
    if (oaInstance) rails.seedInstance({ instanceId: oaInstance.instanceId, orderId: seed.orderId, approver: oaInstance.approver, title: inst?.title });
    res.status(201).json({ ledger, trip: seed.trip ? payment.trip(seed.orderId) : null, oaInstance });
  });

  r.post('/oa/instances', (req, res) => {
    const created = oa.create(parseBody(seedOaInstanceSchema, req.body));
    rails.seedInstance({ instanceId: created.instanceId, orderId: created.orderId, approver: created.approver, title: created.title });
    res.status(201).json(created);
  });

  /** One view of an order's approvals on any rail (comments, attachments with their content). */
  r.get('/oa/instances', (req, res) => {
    const q = parseBody(railQuery, req.query);
    res.json({ rail: q.rail, instances: q.rail === 'internal' ? oa.forOrder(q.orderId) : rails.instances(q.rail, q.orderId) });
  });

  /** Where DingTalk and Feishu push their approval events (the app's event subscription). */
  r.post('/oa/event-urls', (req, res) => {
    res.json(rails.setEventUrls(parseBody(eventUrlsBody, req.body)));
  });

  /** DingTalk and Feishu forget every access token they issued: clients must fetch new ones. */
  r.post('/oa/tokens/revoke', (_req, res) => {
    rails.revokeTokens();
    res.json({ ok: true });
  });

  /** Every rail's outbox in one shape; `rail` narrows it (internal includes the app channel). */
  r.get('/outbox', (req, res) => {
    const rail = typeof req.query.rail === 'string' ? req.query.rail : undefined;
    const all = [...sms.outbox().map((m) => ({ rail: 'internal', ...m })), ...rails.outbox()];
    res.json({ messages: rail ? all.filter((m) => m.rail === rail) : all });
  });

  r.post('/oa/instances/:id/status', async (req, res) => {
    const { status, rail } = parseBody(statusBody, req.body);
    if (rail !== 'internal') {
      const changed = await rails.setStatus(rail, req.params.id, status);
      if (!changed.found) throw new Problem(404, 'INSTANCE_NOT_FOUND', `no ${rail} approval instance ${req.params.id}`);
      res.json({ rail, instanceId: req.params.id, status, event: changed.event });
      return;
    }
    const instance = oa.setStatus(req.params.id, status);
    let callback = null;
    if (instance.callbackUrl) {
      callback = await postStatusCallback(instance.callbackUrl, { instanceId: instance.instanceId, orderId: instance.orderId, status });
      oa.recordCallback(callback.delivered);
    }
    res.json({ instance, callback });
  });

  r.post('/faults', (req, res) => {
    const input = parseBody(faultInputSchema, req.body);
    res.json({ service: input.service, ...faults.set(input) });
  });

  r.get('/faults', (_req, res) => {
    res.json(faults.all());
  });

  r.post('/orders/:orderId/expire-hold', (req, res) => {
    res.json(payment.expireHoldNow(req.params.orderId));
  });

  r.post('/auto-charges/run', (_req, res) => {
    res.json({ ordersChanged: payment.runDue() });
  });

  r.post('/reset', (_req, res) => {
    payment.reset();
    sms.reset();
    oa.reset();
    rails.reset();
    faults.reset();
    res.json({ ok: true });
  });

  r.get('/stats', (_req, res) => {
    res.json({ payment: payment.stats(), sms: sms.stats(), oa: oa.stats(), rails: rails.stats(), faults: faults.all() });
  });

  return r;
}
