/**
 * Driver apps report a problem on their own (story B2: a driver's report must start a case, not
 * be told to have the passenger call). No API key: each request is HMAC-signed instead.
 */
import express, { Router, type RequestHandler, type Response } from 'express';
import { CATEGORY_OF_DRIVER_REPORT } from '../../domain/types';
import { complaintWorkflowId, type Actor, type DriverReport } from '../../workflows/definitions';
import { asProblem, openComplaint, type ComplaintsService } from '../complaints-service';
import { HttpProblem, parse } from '../errors';
import type { ApiMetrics } from '../metrics';
import { driverReportBodySchema } from '../schemas';
import { SIGNATURE_HEADERS, verifySignedRequest } from '../webhook-signature';
import type { RateCounter, WebhookStores } from '../webhook-stores';

const DRIVER_REPORTS_PATH = '/webhooks/driver-reports';

export interface DriverReportsDeps {
  svc: ComplaintsService;
  metrics: ApiMetrics;
  secret: string;
  /** Per client address (req.ip: see TRUST_PROXY): bounds what an unsigned stranger can send. */
  ratePerMinute: number;
  /** Per driver, counted only once the signature holds: behind a proxy many drivers share one address. */
  driverRatePerMinute: number;
  stores: WebhookStores;
}

const WINDOW_MS = 60_000;

/** Without its nonce and rate memory the webhook cannot tell a replay from a report: it refuses (fails closed), retryably. */
async function withStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    console.error('webhook store unavailable:', (err as Error).message);
    throw new HttpProblem(503, 'replay protection is unavailable; retry later');
  }
}

/** Fixed one-minute windows in the shared counter; over the limit is a 429 with Retry-After. */
async function overLimit(counter: RateCounter, key: string, limit: number, res: Response): Promise<boolean> {
  const now = Date.now();
  const { count, resetAt } = await withStore(() => counter.hit(key, WINDOW_MS, now));
  const resetSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  res.set('ratelimit-policy', `${limit};w=${WINDOW_MS / 1000}`);
  res.set('ratelimit', `limit=${limit}, remaining=${Math.max(0, limit - count)}, reset=${resetSeconds}`);
  if (count <= limit) return false;
  res.set('retry-after', String(resetSeconds));
  return true;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'malformed JSON body: it must be a JSON object');
  }
}

export function driverReportsRouter({ svc, metrics, secret, ratePerMinute, driverRatePerMinute, stores }: DriverReportsDeps): Router {
  const router = Router();
  const perAddress: RequestHandler = async (req, res, next) => {
    try {
      if (await overLimit(stores, `ip:${req.ip ?? 'unknown'}`, ratePerMinute, res)) {
        return next(new HttpProblem(429, 'too many driver reports from this address; retry after the Retry-After delay'));
      }
      next();
    } catch (err) {
      next(err);
    }
  };

  // The signature covers the exact bytes sent, so this route reads the raw body, not parsed JSON.
  router.post(DRIVER_REPORTS_PATH, perAddress, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = await withStore(() =>
      verifySignedRequest(
        secret,
        { signature: req.get(SIGNATURE_HEADERS.signature), timestamp: req.get(SIGNATURE_HEADERS.timestamp), nonce: req.get(SIGNATURE_HEADERS.nonce), rawBody },
        stores,
        Date.now(),
      ),
    );
    if (!verdict.ok) throw new HttpProblem(verdict.status, verdict.reason);
    if (!req.is('application/json')) throw new HttpProblem(415, 'request bodies must be application/json');
    const body = parse(driverReportBodySchema, parseJson(rawBody));
    if (await overLimit(stores, `driver:${body.driverId}`, driverRatePerMinute, res)) {
      throw new HttpProblem(429, `too many reports from driver ${body.driverId}; retry after the Retry-After delay`);
    }

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
      const outcome = await openComplaint(svc, fields, actor, { driverReport: report, intakeKey: `report:${report.reportId}`, awaitFirstPromise: false });
      const result = 'opening' in outcome ? outcome.opening : outcome.answered;
      metrics.complaintsStarted.inc({ channel: 'driver_app', result: 'opening' in outcome ? 'opening' : outcome.answered.created ? 'created' : 'joined' });
      res.status(202).location(`/complaints/${result.complaintId}`).json(result);
    } catch (err) {
      throw asProblem(err, complaintWorkflowId(body.orderId));
    }
  });

  return router;
}
