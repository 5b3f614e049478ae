import { api, complaintBody, eventually, harness, uniqueOrderId } from '../harness/client';
import {
  actionResultSchema,
  caseListSchema,
  caseSummarySchema,
  complaintStateSchema,
  historyEntrySchema,
  historySchema,
  intakeResultSchema,
  meSchema,
  problemSchema,
  replyAcceptedSchema,
} from '../../api/response-schemas';
import { toOpenApiPath } from '../../api/openapi/document';
import { inProcessApp } from './support/in-process-app';
import { checkOpenApi } from './support/openapi-check';
import { registeredRoutes } from './support/route-list';

describe('GET /openapi.json and /docs', () => {
  let doc: Record<string, any>;

  beforeAll(async () => {
    const res = await api('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    doc = res.body;
  });

  test('is a structurally valid OpenAPI 3.1 document', () => {
    expect(checkOpenApi(doc)).toEqual([]);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  test('describes exactly the routes registered on the express app', () => {
    const registered = registeredRoutes(inProcessApp()).map((r) => `${r.method.toUpperCase()} ${toOpenApiPath(r.path)}`);
    const documented = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(registered.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
  });

  test('every keyed route declares the API key schemes and 401/403; every case route 404; every body 400; actions 409 and 422', () => {
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<Record<string, any>>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const codes = Object.keys(op.responses);
        if (op['x-roles']) {
          // The codec asks for nothing while the public development keys are in force (this stack), and says so.
          const open = path.startsWith('/codec/') && path !== '/codec/session' ? [{}] : [];
          expect([where, op.security]).toEqual([where, [{ bearerAuth: [] }, { apiKeyHeader: [] }, ...open]]);
          expect([where, codes]).toEqual([where, expect.arrayContaining(['401', '403'])]);
        }
        if (path.includes('{id}')) expect([where, codes]).toEqual([where, expect.arrayContaining(['400', '404'])]);
        if (op.requestBody) expect([where, codes]).toEqual([where, expect.arrayContaining(['400', '413', '415'])]);
      }
    }
    const actionPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/complaints/{id}/actions/'));
    expect(actionPaths).toHaveLength(13);
    for (const path of actionPaths) {
      const op = doc.paths[path].post;
      expect([path, Object.keys(op.responses)]).toEqual([path, expect.arrayContaining(['409', '422', '429'])]);
      const opsToo = ['note', 'claim', 'assign', 'retry', 'settle-by-hand', 'close-with-apology'].some((a) => path.endsWith(`/${a}`));
      expect([path, op['x-roles']]).toEqual([path, opsToo ? ['agent', 'expert', 'supervisor', 'ops'] : ['agent', 'expert', 'supervisor']]);
    }
    // One operation per action, each with its own body schema (no union a client must guess in).
    const propose = doc.paths['/complaints/{id}/actions/propose-settlement'].post.requestBody;
    expect(propose).toMatchObject({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ProposeSettlement' } } } });
    expect(doc.paths['/complaints/{id}/actions/claim'].post.requestBody.required).toBe(false);
    expect(doc.paths['/complaints/{id}/history'].get['x-roles']).toContain('ops');
  });

  test('the webhook documents its HMAC scheme and signed headers, and request schemas come from the zod schemas', () => {
    const webhook = doc.paths['/webhooks/driver-reports'].post;
    expect(webhook.security).toEqual([{ driverSignature: [] }]);
    expect(webhook.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['header:X-Timestamp', 'header:X-Nonce']);
    expect(doc.components.securitySchemes.driverSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Signature' });
    const report = doc.components.schemas.DriverReport;
    expect(report.additionalProperties).toBe(false);
    expect(report.properties.kind.enum).toEqual(['detour', 'fare', 'other']);
    const create = doc.components.schemas.CreateComplaint;
    expect(create.required).not.toContain('channel');
    const list = doc.paths['/complaints'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['status', 'level', 'orderId', 'breached', 'deadlineBefore', 'pageToken']));
  });

  test('/docs renders every route as server-side HTML, with no scripts', async () => {
    const res = await fetch(`${harness.apiUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
  });
});

describe('the documented response schemas are what the API answers', () => {
  test('intake, state, list, action, customer reply, history, me and problems parse with their schemas', async () => {
    const orderId = uniqueOrderId('DOC');
    const created = await api('POST', '/complaints', { body: complaintBody(orderId) });
    expect(intakeResultSchema.strict().parse(created.body).created).toBe(true);
    const id = created.body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'investigating' ? true : undefined));

    const asked = await api('POST', `/complaints/${id}/actions/request-info`, { body: { question: 'which card was charged?' } });
    actionResultSchema.strict().parse(asked.body);
    replyAcceptedSchema.strict().parse((await api('POST', `/complaints/${id}/customer-reply`, { body: { text: 'the Visa one' } })).body);

    complaintStateSchema.parse((await api('GET', `/complaints/${id}`)).body);
    const listed = await eventually(async () => {
      const page = caseListSchema.strict().parse((await api('GET', `/complaints?orderId=${orderId}`)).body);
      return page.items.length ? page : undefined;
    });
    caseSummarySchema.strict().parse(listed.items[0]);
    const timeline = historySchema.strict().parse((await api('GET', `/complaints/${id}/history`)).body);
    for (const entry of timeline.entries) historyEntrySchema.strict().parse(entry);
    meSchema.strict().parse((await api('GET', '/me')).body);

    const problems = [
      await api('POST', '/complaints', { body: {} }),
      await api('GET', '/me', { key: null }),
      await api('POST', `/complaints/${id}/actions/resolve`, { key: 'dev-ops-key', body: { reason: 'x' } }),
      await api('GET', '/complaints/complaint-NOPE0003'),
      await api('POST', `/complaints/${id}/actions/propose-settlement`, { body: { refundFen: 10_000_000, platformAtFault: false, reason: 'r' } }),
    ];
    expect(problems.map((p) => p.status)).toEqual([400, 401, 403, 404, 422]);
    for (const p of problems) problemSchema.strict().parse(p.body);
  });
});

describe('checkOpenApi catches what a client generator would trip over', () => {
  test('undeclared path parameters, unresolved $refs, unknown security schemes, wrong version', () => {
    const broken = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/x/{id}': { get: { security: [{ nope: [] }], responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } } } } } } },
    };
    const errors = checkOpenApi(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/3\.1/),
        expect.stringMatching(/path parameter \{id\} is not declared/),
        expect.stringMatching(/unknown security scheme nope/),
        expect.stringMatching(/Missing does not resolve/),
      ]),
    );
  });
});
