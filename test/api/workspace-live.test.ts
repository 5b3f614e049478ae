/**
 * The console's session (cookie, CSRF, sign-out everywhere), the live streams (a case's changes,
 * who has it open, my view counts), assignment to a named person, and the console's files
 * compressed and cached, over HTTP against the real stack.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { api, harness, KEYS, openComplaint, untilState } from '../harness/client';
import { openSse } from './support/sse';

const url = (p: string) => `${harness.apiUrl}${p}`;

/** The bytes as sent (fetch would decode them). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(harness.apiUrl);
    http
      .get({ hostname, port, path, headers: { connection: 'close', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

async function signIn(key: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await fetch(url('/session'), { method: 'POST', headers: { authorization: `Bearer ${key}`, connection: 'close' } });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie')!;
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken, setCookie };
}

async function withCookie(method: string, path: string, cookie: string, opts: { csrf?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { cookie, connection: 'close' };
  if (opts.csrf !== undefined) headers['x-csrf-token'] = opts.csrf;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url(path), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('the console session', () => {
  test('sign-in sets an HttpOnly, SameSite=Strict cookie for the whole console, and the cookie alone authenticates reads', async () => {
    const { cookie, setCookie, csrf } = await signIn(KEYS.agent);
    expect(setCookie).toMatch(/^console_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    // Plain http here: a Secure cookie would never come back.
    expect(setCookie).not.toMatch(/Secure/i);
    expect((await withCookie('GET', '/me', cookie)).body).toMatchObject({ id: 'agent-li', role: 'agent' });
    // Another tab reads the same session and its CSRF token from the cookie.
    expect((await withCookie('GET', '/session', cookie)).body).toMatchObject({ user: { id: 'agent-li' }, csrfToken: csrf });
  });

  test('a change made with the cookie needs its CSRF token: without it, or with another session’s, 403 with a clear problem', async () => {
    const { id } = await openComplaint();
    const agent = await signIn(KEYS.agent);
    const other = await signIn(KEYS.agent);
    const missing = await withCookie('POST', `/complaints/${id}/actions/note`, agent.cookie, { body: { text: 'from a forged form' } });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ type: 'CsrfRejected', code: 'csrf_missing' });
    expect(missing.body.error).toMatch(/x-csrf-token/);
    const wrong = await withCookie('POST', `/complaints/${id}/actions/note`, agent.cookie, { csrf: other.csrf, body: { text: 'with the wrong token' } });
    expect(wrong).toMatchObject({ status: 403, body: { code: 'csrf_mismatch' } });
    const state = await untilState(id, (s) => s.status === 'investigating');
    expect(state.notes).toHaveLength(0);
    const ok = await withCookie('POST', `/complaints/${id}/actions/note`, agent.cookie, { csrf: agent.csrf, body: { text: 'with the token' } });
    expect(ok.status).toBe(200);
    // API-key clients are unchanged: no cookie, no token.
    expect((await api('POST', `/complaints/${id}/actions/note`, { body: { text: 'by API key' } })).status).toBe(200);
    expect((await api('GET', `/complaints/${id}`)).body.notes.map((n: { text: string }) => n.text)).toEqual(['with the token', 'by API key']);
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  });

  test('a forged or tampered cookie is no session', async () => {
    const { cookie } = await signIn(KEYS.ops);
    const [name, value] = cookie.split('=');
    const [claims, mac] = value!.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'supervisor-zhao', s: 'x', e: Date.now() + 3600_000 })).toString('base64url');
    expect((await withCookie('GET', '/me', `${name}=${forged}.${mac}`)).status).toBe(401);
    expect((await withCookie('GET', '/me', `${name}=${claims}.${mac!.slice(0, -2)}AA`)).status).toBe(401);
  });

  test('signing out ends the session for every tab holding the cookie (it is refused from then on, not just forgotten)', async () => {
    const { cookie, csrf } = await signIn(KEYS.expert);
    expect((await withCookie('POST', '/session/end', cookie)).status).toBe(403);
    const end = await fetch(url('/session/end'), { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, connection: 'close' } });
    expect(end.status).toBe(204);
    expect(end.headers.get('set-cookie')).toMatch(/console_session=;.*Expires=Thu, 01 Jan 1970/i);
    // A tab that still sends the old cookie is signed out too.
    expect((await withCookie('GET', '/me', cookie)).status).toBe(401);
    expect((await withCookie('GET', '/session', cookie)).status).toBe(401);
  });
});

describe('live streams', () => {
  test('a case stream pushes a new version when the case changes and nothing when an action is refused; presence lists everyone with the case open', async () => {
    const { id } = await openComplaint();
    await untilState(id, (s) => s.status === 'investigating');
    const agent = await openSse(url(`/complaints/${id}/live`), { authorization: `Bearer ${KEYS.agent}` });
    expect(agent.status).toBe(200);
    expect(agent.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await agent.seen((e) => e.event === 'case', 10_000, 'the first version');
    await agent.seen((e) => e.event === 'presence' && e.data.viewers.some((v: { id: string }) => v.id === 'agent-li'), 10_000, 'the agent present');

    const expert = await openSse(url(`/complaints/${id}/live`), { authorization: `Bearer ${KEYS.expert}` });
    const both = await agent.seen((e) => e.event === 'presence' && e.data.viewers.length === 2, 10_000, 'both present');
    expect(both.data.viewers).toEqual([
      { id: 'agent-li', name: '李娜 (agent)', role: 'agent' },
      { id: 'expert-wang', name: '王强 (expert)', role: 'expert' },
    ]);

    // History grows while the case reads its records and its first message is delivered: wait until it is quiet.
    const versions = () => agent.events.filter((e) => e.event === 'case').length;
    for (let last = versions(), quietSince = Date.now(), start = Date.now(); Date.now() - quietSince < 3_000 && Date.now() - start < 30_000; ) {
      await new Promise((r) => setTimeout(r, 250));
      if (versions() !== last) [last, quietSince] = [versions(), Date.now()];
    }
    const quiet = versions();
    // Refused (ops cannot note an open case): no history event, no push.
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.ops, body: { text: 'x' } })).status).toBe(422);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(agent.events.filter((e) => e.event === 'case').length).toBe(quiet);

    const changed = agent.next((e) => e.event === 'case' && e.data.version !== first.data.version, 10_000, 'a new version');
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.expert, body: { text: 'called the customer' } })).status).toBe(200);
    await changed;

    expert.close();
    await agent.next((e) => e.event === 'presence' && e.data.viewers.length === 1, 10_000, 'the expert gone');
    agent.close();
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  });

  test('the stream asks for EventSource, names unknown cases, and needs a key or a session', async () => {
    const { id } = await openComplaint();
    const plain = await api('GET', `/complaints/${id}/live`);
    expect(plain.status).toBe(406);
    expect(plain.body.error).toMatch(/text\/event-stream/);
    const unknown = await openSse(url('/complaints/complaint-NO-SUCH-ORDER-XYZ/live'), { authorization: `Bearer ${KEYS.agent}` });
    expect(unknown.status).toBe(404);
    const anonymous = await openSse(url(`/complaints/${id}/live`), {});
    expect(anonymous.status).toBe(401);
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  });

  test('my view counts are pushed on the views stream, and again when a count changes', async () => {
    const stream = await openSse(url('/complaints/views/live'), { authorization: `Bearer ${KEYS.agent}` });
    const first = await stream.seen((e) => e.event === 'views', 10_000, 'the first counts');
    const mine = (e: { data: { views: Array<{ view: string; count: number }> } }) => e.data.views.find((v) => v.view === 'mine')!.count;
    const { id } = await openComplaint();
    await untilState(id, (s) => s.status === 'investigating');
    expect((await api('POST', `/complaints/${id}/actions/claim`, { body: {} })).status).toBe(200);
    const after = await stream.next((e) => e.event === 'views' && mine(e) > mine(first), 20_000, 'my count going up');
    expect(mine(after)).toBeGreaterThan(mine(first));
    stream.close();
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  });
});

describe('assignment', () => {
  test('a case goes to a named person within the ladder, refusals say why, and the staff directory lists who can take it', async () => {
    const staff = await api('GET', '/staff');
    expect(staff.body.staff.map((p: { id: string }) => p.id)).toEqual(['agent-li', 'expert-wang', 'supervisor-zhao', 'ops-chen']);
    const { id } = await openComplaint();
    await untilState(id, (s) => s.status === 'investigating');
    const toOps = await api('POST', `/complaints/${id}/actions/assign`, { body: { assigneeId: 'ops-chen' } });
    expect(toOps).toMatchObject({ status: 422, body: { code: 'assignee_read_only' } });
    const nobody = await api('POST', `/complaints/${id}/actions/assign`, { body: { assigneeId: 'agent-nobody' } });
    expect(nobody).toMatchObject({ status: 422, body: { code: 'unknown_assignee' } });
    // The client names a person; a role it sends is not its to say.
    expect((await api('POST', `/complaints/${id}/actions/assign`, { body: { assigneeId: 'ops-chen', assignee: { id: 'ops-chen', role: 'supervisor' } } })).status).toBe(400);
    const ok = await api('POST', `/complaints/${id}/actions/assign`, { body: { assigneeId: 'expert-wang' } });
    expect(ok).toMatchObject({ status: 200, body: { result: { owner: 'expert-wang' } } });
    const state = (await api('GET', `/complaints/${id}`, { key: KEYS.expert })).body;
    expect(state.owner).toBe('expert-wang');
    expect(state.events.at(-1)).toMatchObject({ actor: 'agent-li', kind: 'assigned' });
    const listed = await untilState(id, () => true);
    expect(listed.owner).toBe('expert-wang');
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  });
});

describe('the console files', () => {
  test('scripts and styles are compressed (brotli, else gzip), carry a strong ETag and revalidate; a repeat costs a 304', async () => {
    const br = await raw('/console/js/messages.js', { 'accept-encoding': 'br, gzip' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['cache-control']).toBe('no-cache');
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    const etag = br.headers.etag!;
    expect(etag).toMatch(/^"[\w-]{16}"$/);
    const plain = await raw('/console/js/messages.js', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    console.log(`messages.js: ${plain.body.length} B, brotli ${br.body.length} B`);

    const gz = await raw('/console/console.css', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toContain('.presence');

    const again = await raw('/console/js/messages.js', { 'if-none-match': etag, 'accept-encoding': 'br' });
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(etag);
    expect(again.body.length).toBe(0);
  });

  test('pages link their stylesheet and entry script by version, and a versioned address is immutable', async () => {
    const page = await fetch(url('/console/case.html'), { headers: { connection: 'close' } });
    const html = await page.text();
    const css = /href="(console\.css\?v=[\w-]+)"/.exec(html)?.[1];
    const js = /src="(js\/case\.js\?v=[\w-]+)"/.exec(html)?.[1];
    expect(css && js).toBeTruthy();
    const versioned = await fetch(url(`/console/${js}`), { headers: { connection: 'close' } });
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // A stale version is served, but only revalidated, never cached for ever.
    const stale = await fetch(url('/console/js/case.js?v=old'), { headers: { connection: 'close' } });
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(url('/console'), { redirect: 'manual', headers: { connection: 'close' } })).headers.get('location')).toBe('/console/');
  });

  test('nothing outside the console folder is served', async () => {
    for (const path of ['/console/..%2Fpackage.json', '/console/%2e%2e/config/env.ts', '/console/.hidden', '/console/js/../../api/app.ts']) {
      // Sent as written: a browser or fetch would resolve the dots before sending.
      const res = await raw(path, {});
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});

describe('the session cookie behind TLS', () => {
  test('behind a TLS-terminating proxy the trusted hop says https, and the cookie is Secure', async () => {
    const { inProcessApp } = await import('./support/in-process-app');
    const server = http.createServer(inProcessApp({ trustProxy: 1 }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const behindTls = await fetch(`${base}/session`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.agent}`, 'x-forwarded-proto': 'https' } });
      expect(behindTls.status).toBe(201);
      expect(behindTls.headers.get('set-cookie')).toMatch(/; Secure/i);
      expect(behindTls.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
      const plain = await fetch(`${base}/session`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.agent}` } });
      expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i);
      expect((await fetch(`${base}/session`, { method: 'POST', headers: { authorization: 'Bearer not-a-key' } })).status).toBe(401);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
