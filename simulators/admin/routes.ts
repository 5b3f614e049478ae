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

export interface AdminDeps {
  payment: PaymentService;
  sms: SmsService;
  oa: OaService;
  faults: Faults;
}

const statusBody = z.object({ status: z.enum(['PENDING', 'APPROVED', 'REJECTED']) });

export function adminRouter({ payment, sms, oa, faults }: AdminDeps): Router {
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
    res.status(201).json({ ledger, trip: seed.trip ? payment.trip(seed.orderId) : null, oaInstance });
  });

  r.post('/oa/instances', (req, res) => {
    res.status(201).json(oa.create(parseBody(seedOaInstanceSchema, req.body)));
  });

  r.post('/oa/instances/:id/status', async (req, res) => {
    const { status } = parseBody(statusBody, req.body);
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
    faults.reset();
    res.json({ ok: true });
  });

  r.get('/stats', (_req, res) => {
    res.json({ payment: payment.stats(), sms: sms.stats(), oa: oa.stats(), faults: faults.all() });
  });

  return r;
}
