/**
 * Driver apps report a problem on their own (story B2: a driver's report must start a case, not
 * be told to have the passenger call). No API key: each request is HMAC-signed instead.
 */
import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { CATEGORY_OF_DRIVER_REPORT } from '../../domain/types';
import { complaintWorkflowId, type Actor, type DriverReport } from '../../workflows/definitions';
import { asProblem, openComplaint, type ComplaintsService } from '../complaints-service';
import { HttpProblem, parse } from '../errors';
import type { ApiMetrics } from '../metrics';
import { driverReportBodySchema, type DriverReportBody } from '../schemas';
import { NonceStore, SIGNATURE_HEADERS, verifySignedRequest } from '../webhook-signature';

const DRIVER_REPORTS_PATH = '/webhooks/driver-reports';

export interface DriverReportsDeps {
  svc: ComplaintsService;
  metrics: ApiMetrics;
  secret: string;
  ratePerMinute: number;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'malformed JSON body: it must be a JSON object');
  }
}

export function driverReportsRouter({ svc, metrics, secret, ratePerMinute }: DriverReportsDeps): Router {
  const router = Router();
  const nonces = new NonceStore();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: ratePerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpProblem(429, 'too many driver reports from this address; retry after the Retry-After delay')),
  });

  // The signature covers the exact bytes sent, so this route reads the raw body, not parsed JSON.
  router.post(DRIVER_REPORTS_PATH, limiter, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifySignedRequest(
      secret,
      { signature: req.get(SIGNATURE_HEADERS.signature), timestamp: req.get(SIGNATURE_HEADERS.timestamp), nonce: req.get(SIGNATURE_HEADERS.nonce), rawBody },
      nonces,
      Date.now(),
    );
    if (!verdict.ok) throw new HttpProblem(verdict.status, verdict.reason);
    if (!req.is('application/json')) throw new HttpProblem(415, 'request bodies must be application/json');
    const body = parse(driverReportBodySchema, parseJson(rawBody));

    const actor: Actor = { id: `driver:${body.driverId}`, role: 'driver_app' };
    const report: DriverReport = {
      driverId: body.driverId,
      reportId: body.reportId,
      admittedFault: body.admittedFault,
      kind: body.kind,
      text: body.text,
      reportedAt: body.reportedAt,
    };
    const fields = {
      orderId: body.orderId,
      customerId: body.passenger.customerId,
      category: CATEGORY_OF_DRIVER_REPORT[body.kind],
      tier: body.tier,
      channel: 'driver_app' as const,
      orderKind: 'ride' as const,
      description: `Driver report: ${body.text}`,
      customer: { name: body.passenger.name, phone: body.passenger.phone, language: body.passenger.language },
      createdBy: actor,
    };
    try {
      const result = await openComplaint(svc, fields, actor, { driverReport: report, intakeKey: `report:${report.reportId}` });
      metrics.complaintsStarted.inc({ channel: 'driver_app', result: result.created ? 'created' : 'joined' });
      res.status(202).location(`/complaints/${result.complaintId}`).json(result);
    } catch (err) {
      throw asProblem(err, complaintWorkflowId(body.orderId));
    }
  });

  return router;
}
