import { api, harness } from '../harness/client';
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
          expect([where, op.security]).toEqual([where, [{ bearerAuth: [] }, { apiKeyHeader: [] }]]);
          expect([where, codes]).toEqual([where, expect.arrayContaining(['401', '403'])]);
        }
        if (path.includes('{id}')) expect([where, codes]).toEqual([where, expect.arrayContaining(['400', '404'])]);
        if (op.requestBody) expect([where, codes]).toEqual([where, expect.arrayContaining(['400', '413', '415'])]);
      }
    }
    const actions = doc.paths['/complaints/{id}/actions/{action}'].post;
    expect(Object.keys(actions.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(actions.requestBody.content['application/json'].schema.oneOf).toHaveLength(8);
    expect(doc.paths['/complaints/{id}/actions/{action}'].post['x-roles']).toEqual(['agent', 'expert', 'supervisor']);
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
