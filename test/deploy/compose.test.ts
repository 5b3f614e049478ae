/**
 * One truth for the deployment: temporal-docker/ runs the Temporal server and UI the dev server
 * and `npm run cluster` run, sets its schema up with the same temporal-sql-tool steps, registers
 * the search attributes the workflows upsert, and hands our containers only variables
 * config/env.ts reads, with values that parse.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { defaultPayloadConverter } from '@temporalio/common';
import { ENV_KEYS, PROJECT_ROOT, readEnv } from '../../config/env';
import { workerNodeArgs } from '../../config/worker-heap';
import { parseApiKeys } from '../../api/auth';
import { payloadCodec } from '../../codec/data-converter';
import { productionProblems } from '../../config/production';
import { SCHEMAS } from '../../scripts/cluster/schema';
import { DYNAMIC_CONFIG_YAML } from '../../scripts/cluster/temporal-config';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../scripts/cluster/versions';
import { ensureBinary, TEMPORAL_CLI } from '../../scripts/temporal-bin';
import { SA } from '../../workflows/definitions';

const DIR = path.join(PROJECT_ROOT, 'temporal-docker');
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { image?: string; environment?: Record<string, string>; env_file?: Array<{ path: string }> }> };
const services = compose.services;
const image = (name: string) => services[name]?.image ?? '';

/** What Compose makes of `${NAME:-default}` with nothing set in the shell. */
const interpolate = (env: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z0-9_]+\}/g, '')]));

/** KEY='value' lines; the file quotes every value so JSON stays intact. */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)='(.*)'$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

test('the pinned dev server runs the server and UI versions the cluster and the compose file pin', () => {
  const printed = execFileSync(ensureBinary(TEMPORAL_CLI), ['--version'], { encoding: 'utf8' });
  expect(printed).toContain(`Server ${TEMPORAL_SERVER_VERSION}`);
  expect(printed).toContain(`UI ${TEMPORAL_UI_VERSION}`);
});

test('compose runs that Temporal server as four services, its admin tools and its UI; no auto-setup image', () => {
  const temporalImages = Object.values(services).map((s) => s.image ?? '').filter((i) => i.startsWith('temporalio/'));
  expect(temporalImages.filter((i) => i.includes('auto-setup'))).toEqual([]);
  const roles = Object.fromEntries(Object.entries(services).filter(([, s]) => s.environment?.TEMPORAL_SERVICES).map(([name, s]) => [s.environment!.TEMPORAL_SERVICES, name]));
  expect(Object.keys(roles).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
  for (const name of Object.values(roles)) expect(image(name)).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
  expect(image('temporal-schema')).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  expect(image('temporal-admin-tools')).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  expect(image('temporal-ui')).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
  // Our processes reach the cluster through its frontend.
  expect(services.worker?.environment?.TEMPORAL_ADDRESS).toBe(`${roles.frontend}:7233`);
});

test('the schema init container runs the same temporal-sql-tool steps on the same databases as `npm run cluster`', () => {
  const script = read('scripts/setup-schema.sh');
  const pairs = [...script.matchAll(/^(\w+):(postgresql\/v12\/\w+)$/gm)].map((m) => ({ database: m[1], schemaName: m[2] }));
  expect(pairs).toEqual(SCHEMAS.map((s) => ({ database: s.database, schemaName: s.schemaName })));
  for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema --schema-name']) expect(script).toContain(step);
  expect(services['temporal-schema']?.environment?.POSTGRES_SEEDS).toBe('postgresql');
});

test('the namespace job registers exactly the search attributes the workflows upsert, with their types', () => {
  const script = read('scripts/setup-namespace.sh');
  const block = /SEARCH_ATTRIBUTES="([^"]*)"/.exec(script)![1]!;
  const listed = block.split(/\s+/).filter(Boolean).sort();
  const typeName: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', BOOL: 'Bool', DATETIME: 'Datetime', DOUBLE: 'Double', TEXT: 'Text', KEYWORD_LIST: 'KeywordList' };
  expect(listed).toEqual(Object.values(SA).map((k) => `${k.name}:${typeName[k.type]}`).sort());
});

test('our containers get only variables config/env.ts reads, and the example values parse', async () => {
  const known = new Set<string>(ENV_KEYS);
  const example = envFile(read('.env.example'));
  const commented = [...read('.env.example').matchAll(/^#\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
  const ours = ['api', 'worker', 'simulators'];
  const given = new Set<string>([...Object.keys(example), ...commented]);
  for (const name of ours) {
    expect(services[name]?.env_file?.map((f) => f.path)).toContain('.env.example');
    // NODE_OPTIONS is node's own (the worker's heap, below).
    for (const key of Object.keys(services[name]?.environment ?? {})) if (key !== 'NODE_OPTIONS') given.add(key);
  }
  expect([...given].filter((k) => !known.has(k)).sort()).toEqual([]);

  // With the example secrets the processes start: configuration, API keys and payload keys all parse.
  const env = readEnv({ ...interpolate(services.worker!.environment), ...example });
  expect(env.PAYMENT_URL).toBe('http://simulators:4100/payment');
  expect(parseApiKeys(env.API_KEYS).size).toBeGreaterThan(0);
  const codec = payloadCodec(env);
  const [encoded] = await codec.encode([defaultPayloadConverter.toPayload({ phone: '+8613800000000' })]);
  expect(Buffer.from(encoded!.data!).toString()).not.toContain('+8613800000000');
  const [decoded] = await codec.decode([encoded!]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ phone: '+8613800000000' });
});

test('the example secrets start a development stack and every one of them is refused in production', () => {
  const example = envFile(read('.env.example'));
  const dev = readEnv({ ...interpolate(services.api!.environment), ...example });
  expect(dev.NODE_ENV).toBe('development');
  const prod = readEnv({ ...interpolate(services.api!.environment), ...example, NODE_ENV: 'production' });
  const refused = [...productionProblems(prod, 'api'), ...productionProblems(prod, 'worker')].join('\n');
  const secrets = Object.keys(example).filter((k) => k !== 'PAYLOAD_KEY_ID');
  expect(secrets.filter((k) => !refused.includes(k))).toEqual([]);
});

test('compose and `npm run cluster` give the server the same dynamic config values', () => {
  const docker = parse(read('dynamicconfig/development-sql.yaml')) as Record<string, Array<{ value: unknown }>>;
  const cluster = parse(DYNAMIC_CONFIG_YAML) as Record<string, Array<{ value: unknown }>>;
  for (const [key, values] of Object.entries(cluster)) expect(docker[key]?.[0]?.value).toEqual(values[0]!.value);
});

test("the worker's heap is the one its cache needs, as npm start and the benchmark's worker get it", () => {
  const worker = interpolate(services.worker!.environment);
  const env = readEnv(worker);
  expect(env.WORKER_MAX_CACHED_WORKFLOWS).toBe(500);
  expect(worker.NODE_OPTIONS?.split(' ')).toEqual(workerNodeArgs(env));
});
