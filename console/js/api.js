/** Every call to the API: same origin, the session cookie and its CSRF token, JSON in and out, refusals as ApiError. */
import { csrfToken, loadSession, toSignIn } from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const SAFE = new Set(['GET', 'HEAD']);

async function send(method, path, body) {
  const headers = { accept: 'application/json' };
  if (!SAFE.has(method)) headers['x-csrf-token'] = csrfToken() ?? '';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { error: 'network error: the API did not answer' });
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: text.slice(0, 300) };
  }
  return { res, data };
}

export async function api(method, path, body, { allowUnauthorized = false } = {}) {
  let { res, data } = await send(method, path, body);
  if (res.status === 403 && data?.type === 'CsrfRejected') {
    // The session was renewed in another tab (a new sign-in): read its token once and try again.
    await loadSession();
    ({ res, data } = await send(method, path, body));
  }
  if (res.status === 401 && !allowUnauthorized) {
    toSignIn('expired');
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') q.set(name, String(value));
  const s = q.toString();
  return s ? `?${s}` : '';
}
