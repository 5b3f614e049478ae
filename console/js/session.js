/**
 * The console's session lives in an HttpOnly cookie the API sets at sign-in, shared by every tab
 * of this browser: a deep link opened in a new tab is signed in. Scripts never see the cookie;
 * they read the session's CSRF token from GET /session and send it with every change.
 * Signing out ends the session on the server and tells the other tabs at once.
 */

const PICKED = 'console.pickedRole';
const CHANNEL = 'console-session';

/** The development keys from api/auth.ts; production keys are pasted. */
export const DEV_KEYS = {
  agent: 'dev-agent-key',
  expert: 'dev-expert-key',
  supervisor: 'dev-supervisor-key',
  ops: 'dev-ops-key',
};

/** { user, csrfToken, expiresAt } once read, or null. */
let current = null;

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

export function csrfToken() {
  return current?.csrfToken ?? null;
}

/** The session the cookie names, asked of the server; null when there is none. */
export async function loadSession() {
  const res = await fetch('/session', { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  current = res.ok ? await res.json() : null;
  return current;
}

/** The role chosen on the sign-in page (for the header while /me cannot answer). */
export function pickedRole() {
  return localStorage.getItem(PICKED);
}

/** Trades the key for the session cookie; answers the HTTP status on failure. */
export async function signIn(key, role) {
  const res = await fetch('/session', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    return { ok: false, status: res.status, error: body?.error ?? `HTTP ${res.status}` };
  }
  current = await res.json();
  if (role) localStorage.setItem(PICKED, role);
  else localStorage.removeItem(PICKED);
  channel?.postMessage({ type: 'signed-in', user: current.user.id });
  return { ok: true };
}

/** Where this page is, for coming back after signing in again. */
function here() {
  return encodeURIComponent(location.pathname.split('/').pop() + location.search);
}

export function toSignIn(reason) {
  const params = [reason ? `reason=${encodeURIComponent(reason)}` : null, reason === 'expired' || reason === 'elsewhere' ? `next=${here()}` : null].filter(Boolean).join('&');
  location.assign(`signin.html${params ? `?${params}` : ''}`);
}

export async function signOut() {
  const end = () => fetch('/session/end', { method: 'POST', headers: { 'x-csrf-token': csrfToken() ?? '' }, credentials: 'same-origin', cache: 'no-store' });
  try {
    // Another tab may have signed in again since this page read its token: read it and end that session.
    if ((await end()).status === 403) {
      await loadSession();
      await end();
    }
  } catch {
    // The cookie is cleared by the answer; without one the session still ends when it expires.
  }
  current = null;
  channel?.postMessage({ type: 'signed-out' });
  toSignIn();
}

// Another tab signed out: this one is signed out too, and says so.
channel?.addEventListener('message', (event) => {
  if (event.data?.type === 'signed-out' && !location.pathname.endsWith('signin.html')) toSignIn('elsewhere');
});

/** Pages other than sign-in call this first: without a session, to sign-in and back here after. */
export async function requireSignIn() {
  let session = null;
  try {
    session = await loadSession();
  } catch {
    session = null;
  }
  if (session) return true;
  location.replace(`signin.html?next=${here()}`);
  return false;
}

/** One-shot messages across a navigation in this tab (e.g. "case created, deadline ..."). */
export function setFlash(value) {
  sessionStorage.setItem('console.flash', JSON.stringify(value));
}

export function takeFlash() {
  const raw = sessionStorage.getItem('console.flash');
  sessionStorage.removeItem('console.flash');
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}
