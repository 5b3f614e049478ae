/** Who is signed in: GET /me, or (while the API has no /me) the role picked at sign-in. */
import { api, ApiError } from './api.js';
import { pickedRole } from './session.js';

export const ROLE_LEVEL = { agent: 1, expert: 2, supervisor: 3, ops: null };

export async function loadMe() {
  try {
    const me = await api('GET', '/me');
    const level = me.level === undefined ? (ROLE_LEVEL[me.role] ?? null) : me.level;
    return { ...me, level, fromServer: true };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    // The key passed authentication (a bad key is a 401), but the API cannot say who we are.
    const role = pickedRole();
    return { id: null, role, name: null, level: role ? (ROLE_LEVEL[role] ?? null) : null, fromServer: false };
  }
}

/** The same case in the Temporal Web UI, when /me told us where that is. */
export function temporalLink(me, complaintId) {
  if (!me.temporalUiUrl || !me.namespace) return null;
  const base = me.temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(me.namespace)}/workflows/${encodeURIComponent(complaintId)}`;
}
