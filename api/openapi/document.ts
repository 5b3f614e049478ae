/** Builds the OpenAPI 3.1 document from the route table; 3.1 schemas are JSON Schema 2020-12, which zod emits. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../config/env';
import { REPLAY_WINDOW_MS } from '../webhook-signature';
import { REQUEST_SCHEMAS, RESPONSE_SCHEMAS, ROUTES, type RouteDoc } from './routes';

type Json = Record<string, any>;

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input: malformed JSON, a field that fails the schema (issues lists them), a bad id or query parameter',
  401: 'missing or unknown API key; for the webhook: missing or bad signature, stale timestamp or replayed nonce',
  403: 'the role may not do this (ops are read-only); with the console session cookie: a change without its X-CSRF-Token (type CsrfRejected)',
  404: 'no such complaint (or no voucher for this kind of case)',
  406: 'a server-sent events stream asked for without Accept: text/event-stream',
  409: 'the case is not in a state that allows this (type InvalidState)',
  413: 'request body larger than 64 kB',
  415: 'request body is not application/json',
  422: 'the workflow refused: NotPermitted, AuthorityExceeded (the message names the level that must approve) or InvalidInput',
  429: 'rate limited, or the case has too many requests in flight; retry after the Retry-After delay',
  503: 'replay protection is saturated; retry later',
};

const SCHEMA_REF = (id: string) => `#/components/schemas/${id}`;

function inline(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

function components(list: Array<[string, z.ZodType]>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of list) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: SCHEMA_REF }) as { schemas: Record<string, Json> };
  // Component schemas are embedded in the document: a dialect or fragment $id of their own would be wrong there.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}

export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationId(r: RouteDoc): string {
  const words = r.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return r.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const SECURITY: Record<RouteDoc['auth'], Json[]> = {
  apiKey: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
  signature: [{ driverSignature: [] }],
  none: [],
};

function parameters(r: RouteDoc): Json[] {
  const out: Json[] = [];
  for (const [name, p] of Object.entries(r.pathParams ?? {})) out.push({ name, in: 'path', required: true, description: p.description, schema: inline(p.schema, 'input') });
  if (r.query) {
    const q = inline(r.query, 'input');
    for (const [name, schema] of Object.entries<Json>(q.properties ?? {})) {
      out.push({ name, in: 'query', required: (q.required ?? []).includes(name), description: schema.description ?? 'at most once; a repeated parameter is a 400', schema });
    }
  }
  for (const [name, h] of Object.entries(r.headers ?? {})) out.push({ name, in: 'header', required: true, description: h.description, schema: inline(h.schema, 'input') });
  return out;
}

function requestBody(r: RouteDoc, refs: Map<z.ZodType, string>): Json | undefined {
  if (!r.body) return undefined;
  const required = r.body.required ?? true;
  return {
    required,
    ...(required ? {} : { description: 'An absent body counts as {}.' }),
    content: { [r.body.contentType ?? 'application/json']: { schema: { $ref: SCHEMA_REF(refs.get(r.body.schema)!) } } },
  };
}

/** What a stateful client can do next with the case an intake named. */
function caseLinks(): Json {
  const links: Json = {};
  for (const r of ROUTES) {
    if (!r.path.includes(':id')) continue;
    links[operationId(r)] = { operationId: operationId(r), parameters: { id: '$response.body#/complaintId' } };
  }
  return links;
}

function responses(r: RouteDoc, refs: Map<z.ZodType, string>): Json {
  const contentOf = (schema: z.ZodType | undefined): Json => {
    const content: Json = {};
    if (schema) content['application/json'] = { schema: { $ref: SCHEMA_REF(refs.get(schema)!) } };
    if (r.success.alsoHtml) content['text/html'] = { schema: { type: 'string' } };
    if (r.success.contentType && !schema) content[r.success.contentType] = { schema: { type: 'string' } };
    return content;
  };
  const out: Json = {};
  const success = (description: string, schema: z.ZodType | undefined): Json => {
    const content = contentOf(schema);
    return { description, ...(Object.keys(content).length ? { content } : {}), ...(r.linksToCase ? { links: caseLinks() } : {}) };
  };
  out[String(r.success.status)] = success(r.success.description, r.success.schema);
  if (r.success.status >= 300 && r.success.status < 400) out[String(r.success.status)].headers = { Location: { schema: { type: 'string' } } };
  for (const extra of r.alsoSuccess ?? []) out[String(extra.status)] = success(extra.description, extra.schema ?? r.success.schema);
  for (const status of r.errors) {
    out[String(status)] = { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: { $ref: SCHEMA_REF('Problem') } } } };
  }
  return out;
}

function describe(r: RouteDoc): string {
  const who = r.auth === 'apiKey' ? `Roles: ${r.roles?.join(', ')}.` : r.auth === 'signature' ? 'Auth: HMAC signature (no API key).' : 'No authentication.';
  return [r.description, who].filter(Boolean).join('\n\n');
}

export interface DocumentOptions {
  /** While the public development keys are in force the codec asks for no credentials; the document says so. */
  codecOpen?: boolean;
}

function buildDocument({ codecOpen = false }: DocumentOptions): Json {
  const refs = new Map<z.ZodType, string>([...REQUEST_SCHEMAS, ...RESPONSE_SCHEMAS].map(([id, schema]) => [schema, id]));
  const paths: Json = {};
  for (const r of ROUTES) {
    const operation: Json = {
      operationId: operationId(r),
      tags: [r.tag],
      summary: r.summary,
      description: describe(r),
      security: codecOpen && r.tag === 'codec' && r.path !== '/codec/session' ? [...SECURITY[r.auth], {}] : SECURITY[r.auth],
      ...(r.roles ? { 'x-roles': [...r.roles] } : {}),
      parameters: parameters(r),
      responses: responses(r, refs),
    };
    const body = requestBody(r, refs);
    if (body) operation.requestBody = body;
    (paths[toOpenApiPath(r.path)] ??= {})[r.method] = operation;
  }
  const version = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    openapi: '3.1.1',
    info: {
      title: 'Complaint engine API',
      version,
      description: 'Complaints as durable Temporal workflows. Staff authenticate with an API key; driver apps sign their webhook. Client mistakes are 4xx with a Problem body, never 500.',
    },
    tags: [...new Set(ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...components(REQUEST_SCHEMAS, 'input'), ...components(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'a staff API key: `Authorization: Bearer <key>`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'the same staff API key, in a header' },
        driverSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Signature',
          description: `hex HMAC-SHA256 of \`\${X-Timestamp}.\${X-Nonce}.\${raw body}\` with the driver webhook secret; X-Timestamp within ${REPLAY_WINDOW_MS / 60_000} minutes, X-Nonce never reused within that window`,
        },
      },
    },
  };
}

const cached = new Map<boolean, Json>();

/** Built on first use: the route table and the schemas are fixed for the life of the process. */
export function openApiDocument(options: DocumentOptions = {}): Json {
  const key = options.codecOpen ?? false;
  if (!cached.has(key)) cached.set(key, buildDocument(options));
  return cached.get(key)!;
}
