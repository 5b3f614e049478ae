/** The signed-in key lives in sessionStorage only: closing the tab signs out. */

const KEY = 'console.key';
const PICKED = 'console.pickedRole';

/** The development keys from api/auth.ts; production keys are pasted. */
export const DEV_KEYS = {
  agent: 'dev-agent-key',
  expert: 'dev-expert-key',
  supervisor: 'dev-supervisor-key',
  ops: 'dev-ops-key',
};

export function getKey() {
  return sessionStorage.getItem(KEY);
}

/** The role chosen on the sign-in page, or the dev role the key belongs to. */
export function pickedRole() {
  const picked = sessionStorage.getItem(PICKED);
  if (picked) return picked;
  const key = getKey();
  return Object.keys(DEV_KEYS).find((role) => DEV_KEYS[role] === key) ?? null;
}

export function signIn(key, role) {
  sessionStorage.setItem(KEY, key);
  if (role) sessionStorage.setItem(PICKED, role);
  else sessionStorage.removeItem(PICKED);
}

export function signOut(reason) {
  sessionStorage.clear();
  const query = reason ? `?reason=${encodeURIComponent(reason)}` : '';
  location.assign(`signin.html${query}`);
}

/** Pages other than sign-in call this first. */
export function requireSignIn() {
  if (getKey()) return true;
  const next = encodeURIComponent(location.pathname.split('/').pop() + location.search);
  location.replace(`signin.html?next=${next}`);
  return false;
}

/** One-shot messages across a navigation (e.g. "case created, deadline ..."). */
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
