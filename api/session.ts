/**
 * The console's session: one HttpOnly cookie shared by every tab of the browser, so a deep link
 * opened in a new tab lands where it points. The cookie is a signed token (user, session id,
 * expiry) under SESSION_SECRET, so any API replica can read it; a signed-out session id is kept
 * in a revocation store until the token would have expired. A cookie travels with requests a
 * browser makes on its own, so every state-changing request on a cookie session must also carry
 * the session's CSRF token (a synchronizer token derived from the session id), which only a page
 * of this origin can read. API-key clients send their key in a header and need neither.
 */
import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { userOfRequest, type ApiKeys, type StaffUser } from './auth';
import { HttpProblem, parse } from './errors';
import { emptyBodySchema } from './schemas';
import type { SessionRevocations } from './session-store';

export const SESSION_COOKIE = 'console_session';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_HOURS = 8;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleSession {
  user: StaffUser;
  sid: string;
  expiresAt: number;
}

export interface SessionOptions {
  apiKeys: ApiKeys;
  /** SESSION_SECRET; the MAC keys below are derived per purpose, apart from the codec cookie's. */
  secret: string;
  revocations: SessionRevocations;
}

function mac(secret: string, purpose: string, value: string): string {
  return crypto.createHmac('sha256', `${purpose}:${secret}`).update(value).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  return header
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

export function csrfTokenOf(secret: string, sid: string): string {
  return mac(secret, 'console-csrf', sid);
}

export function sessionToken(secret: string, userId: string, sid: string, expiresAt: number): string {
  const value = Buffer.from(JSON.stringify({ u: userId, s: sid, e: expiresAt })).toString('base64url');
  return `${value}.${mac(secret, 'console-session', value)}`;
}

/**
 * The session a cookie names, if its MAC holds, it has not expired or been signed out, and its
 * user still holds a key: revoking a key ends that person's sessions at once.
 */
export async function sessionOf(opts: SessionOptions, cookieHeader: string | undefined, now = Date.now()): Promise<ConsoleSession | undefined> {
  const raw = cookieValue(cookieHeader, SESSION_COOKIE);
  const [value, tag] = raw?.split('.') ?? [];
  if (!value || !tag || !sameText(tag, mac(opts.secret, 'console-session', value))) return undefined;
  let claims: { u?: unknown; s?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims.u !== 'string' || typeof claims.s !== 'string' || typeof claims.e !== 'number' || claims.e <= now) return undefined;
  const user = [...opts.apiKeys.values()].find((u) => u.id === claims.u);
  if (!user || (await opts.revocations.isRevoked(claims.s))) return undefined;
  return { user, sid: claims.s, expiresAt: claims.e };
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: ConsoleSession;
  }
}

/**
 * Staff authentication for every route behind it: an API key in a header as before, else the
 * console's session cookie; on a cookie, a state-changing method needs the CSRF token too.
 */
export function authenticateStaff(opts: SessionOptions): RequestHandler {
  return async (req, _res, next) => {
    try {
      const keyUser = userOfRequest(opts.apiKeys, req.get('authorization'), req.get('x-api-key'));
      if (keyUser) {
        req.user = keyUser;
        return next();
      }
      const session = await sessionOf(opts, req.get('cookie'));
      if (!session) return next(new HttpProblem(401, 'missing or unknown API key, and no console session: sign in again'));
      if (!SAFE_METHODS.has(req.method)) refuseWithoutCsrf(opts.secret, session, req);
      req.user = session.user;
      req.session = session;
      next();
    } catch (err) {
      next(err);
    }
  };
}

function refuseWithoutCsrf(secret: string, session: ConsoleSession, req: Request): void {
  const sent = req.get(CSRF_HEADER);
  if (sent && sameText(sent, csrfTokenOf(secret, session.sid))) return;
  throw new HttpProblem(403, sent ? 'the CSRF token does not belong to this session: reload the page' : `a console request that changes something must carry the ${CSRF_HEADER} header of its session`, {
    type: 'CsrfRejected',
    code: sent ? 'csrf_mismatch' : 'csrf_missing',
  });
}

/** Sign in (an API key, once, for a cookie), read the session (its CSRF token), sign out everywhere. */
export function sessionRouter(opts: SessionOptions): Router {
  const router = Router();
  const body = (user: StaffUser, sid: string, expiresAt: number) => ({
    user: { id: user.id, role: user.role, name: user.name },
    csrfToken: csrfTokenOf(opts.secret, sid),
    expiresAt: new Date(expiresAt).toISOString(),
  });

  router.post('/session', (req, res) => {
    parse(emptyBodySchema, req.body ?? {});
    const user = userOfRequest(opts.apiKeys, req.get('authorization'), req.get('x-api-key'));
    if (!user) throw new HttpProblem(401, 'missing or unknown API key');
    const sid = crypto.randomBytes(18).toString('base64url');
    const expiresAt = Date.now() + SESSION_HOURS * 3600_000;
    res.cookie(SESSION_COOKIE, sessionToken(opts.secret, user.id, sid, expiresAt), {
      httpOnly: true,
      sameSite: 'strict',
      // Behind a TLS-terminating proxy, req.secure follows X-Forwarded-Proto as far as TRUST_PROXY allows.
      secure: req.secure,
      path: '/',
      maxAge: SESSION_HOURS * 3600_000,
    });
    res.status(201).json(body(user, sid, expiresAt));
  });

  router.get('/session', async (req, res) => {
    const session = await sessionOf(opts, req.get('cookie'));
    if (!session) throw new HttpProblem(401, 'no console session: sign in');
    res.set('cache-control', 'no-store').json(body(session.user, session.sid, session.expiresAt));
  });

  router.post('/session/end', async (req, res) => {
    parse(emptyBodySchema, req.body ?? {});
    const session = await sessionOf(opts, req.get('cookie'));
    if (session) {
      refuseWithoutCsrf(opts.secret, session, req);
      await opts.revocations.revoke(session.sid, session.expiresAt);
    }
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    res.status(204).end();
  });
  return router;
}
