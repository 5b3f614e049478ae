import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../lib/http';
import type { PaymentService } from './service';

const key = z.string().min(1).max(256);
const holdBody = z.object({ idempotencyKey: key });
const captureBody = z.object({ idempotencyKey: key, amountFen: z.number().int().positive() });
const refundBody = z.object({
  orderId: z.string().min(1),
  outRequestNo: z.string().min(1).max(64),
  amountFen: z.number().int().positive(),
  reason: z.string().max(256).default(''),
  transactionRef: z.string().min(1).max(64).optional(),
});

export function paymentRouter(payment: PaymentService): Router {
  const r = Router();
  r.get('/orders/:orderId/ledger', (req, res) => {
    res.json(payment.ledger(req.params.orderId));
  });
  r.get('/orders/:orderId/trip', (req, res) => {
    res.json(payment.trip(req.params.orderId));
  });
  r.post('/orders/:orderId/hold', (req, res) => {
    res.json(payment.hold(req.params.orderId, parseBody(holdBody, req.body).idempotencyKey));
  });
  r.post('/orders/:orderId/hold/release', (req, res) => {
    res.json(payment.release(req.params.orderId, parseBody(holdBody, req.body).idempotencyKey));
  });
  r.post('/orders/:orderId/hold/capture', (req, res) => {
    const body = parseBody(captureBody, req.body);
    res.json(payment.capture(req.params.orderId, body.idempotencyKey, body.amountFen));
  });
  r.post('/refunds', (req, res) => {
    res.json(payment.refund(parseBody(refundBody, req.body)));
  });
  r.get('/refunds/:outRequestNo', (req, res) => {
    res.json(payment.queryRefund(req.params.outRequestNo));
  });
  return r;
}
