/**
 * The remote codec the Temporal Web UI calls to show ops decoded payloads. Decoding reveals
 * customers' personal data, so only ops and supervisors may use it: by API key, or by a session
 * cookie the console sets when they sign in (the UI sends it with "include credentials").
 */
import crypto from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { userOfRequest, type ApiKeys, type StaffUser } from '../auth';
import { HttpProblem, parse } from '../errors';
import { codecPayloadsSchema as payloadsSchema, emptyBodySchema, type CodecPayloads } from '../schemas';

const SESSION_COOKIE = 'codec_session';
const SESSION_HOURS = 8;
const DECODERS = new Set(['ops', 'supervisor']);

export interface CodecRouterOptions {
  codec: PayloadCodec;
  apiKeys: ApiKeys;
  /** The Web UI's origin, the only one allowed to call across origins. */
  uiOrigin: string;
  /** Development keys are public, so in development the endpoint asks for nothing. */
  openInDevelopment: boolean;
  /** SESSION_SECRET: this cookie's MAC key and nothing else's. */
  sessionSecret: string;
}

function toPayloads(body: CodecPayloads): Payload[] {
  return body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));
}

function fromPayloads(payloads: Payload[]) {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

export function codecRouter(opts: CodecRouterOptions): Router {
  const router = Router();
  const sign = (value: string) => crypto.createHmac('sha256', `codec-session:${opts.sessionSecret}`).update(value).digest('base64url');

  const cors: RequestHandler = (req, res, next) => {
    if (req.get('origin') === opts.uiOrigin) {
      res.set({
        'access-control-allow-origin': opts.uiOrigin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': 'content-type, authorization, x-namespace',
        'access-control-allow-methods': 'POST, OPTIONS',
        vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  };

  const keyUser = (header: string | undefined) => userOfRequest(opts.apiKeys, header);

  /**
   * The cookie names a user; at every use that user must still hold a key, and a decoder's role
   * today: revoking the key or changing the role ends the session without waiting 8 hours.
   */
  const sessionUser = (cookieHeader: string | undefined): StaffUser | undefined => {
    const raw = cookieHeader?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
    const [value, mac] = raw?.split('.') ?? [];
    if (!value || !mac || mac.length !== sign(value).length || !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(sign(value)))) return undefined;
    const [id, expires] = Buffer.from(value, 'base64url').toString().split('|');
    if (!(Number(expires) > Date.now())) return undefined;
    const user = [...opts.apiKeys.values()].find((u) => u.id === id);
    return user && DECODERS.has(user.role) ? user : undefined;
  };

  const authorize: RequestHandler = (req, _res, next) => {
    const user = keyUser(req.get('authorization'));
    if (user) return next(DECODERS.has(user.role) ? undefined : new HttpProblem(403, 'only ops and supervisors may decode payloads'));
    if (sessionUser(req.get('cookie')) || opts.openInDevelopment) return next();
    next(new HttpProblem(401, 'sign in to the console as ops or supervisor, or send an ops API key'));
  };

  const jsonOnly: RequestHandler = (req, _res, next) =>
    next(req.method === 'POST' && req.headers['content-length'] !== '0' && req.headers['content-type'] && !req.is('application/json') ? new HttpProblem(415, 'send application/json') : undefined);

  router.use('/codec', cors, jsonOnly, express.json({ limit: '8mb' }));

  router.post('/codec/session', (req, res) => {
    // The body is documented as required ({}); a missing one is a client mistake like any other.
    parse(emptyBodySchema, req.body);
    const user = keyUser(req.get('authorization'));
    if (!user) throw new HttpProblem(401, 'missing or unknown API key');
    if (!DECODERS.has(user.role)) throw new HttpProblem(403, 'only ops and supervisors may decode payloads');
    const value = Buffer.from(`${user.id}|${Date.now() + SESSION_HOURS * 3600_000}`).toString('base64url');
    res.cookie(SESSION_COOKIE, `${value}.${sign(value)}`, { httpOnly: true, sameSite: 'lax', path: '/codec', maxAge: SESSION_HOURS * 3600_000 });
    res.status(204).end();
  });

  for (const op of ['encode', 'decode'] as const) {
    router.post(`/codec/${op}`, authorize, async (req, res) => {
      const payloads = toPayloads(parse(payloadsSchema, req.body));
      try {
        res.json(fromPayloads(await opts.codec[op](payloads)));
      } catch (err) {
        throw new HttpProblem(422, `cannot ${op} these payloads: ${(err as Error).message}`);
      }
    });
  }
  return router;
}
