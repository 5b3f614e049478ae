/**
 * A structural check of an OpenAPI 3.1 document: the rules a client generator trips over
 * (unresolved $refs, undeclared path parameters, unknown security schemes, responses without
 * descriptions). Not a full validator; enough to keep the generated document honest offline.
 */
type Json = Record<string, any>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const PATH_ITEM_KEYS = new Set([...METHODS, '$ref', 'summary', 'description', 'servers', 'parameters']);
const PARAM_IN = new Set(['query', 'header', 'path', 'cookie']);
const SCHEME_TYPES = new Set(['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect']);

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: any = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function collectRefs(node: unknown, at: string, out: Array<[string, string]>): void {
  if (Array.isArray(node)) node.forEach((n, i) => collectRefs(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push([at, v]);
      else collectRefs(v, `${at}/${k}`, out);
    }
  }
}

export function checkOpenApi(doc: Json): string[] {
  const errors: string[] = [];
  const fail = (msg: string) => errors.push(msg);
  if (!/^3\.1\.\d+$/.test(String(doc.openapi))) fail(`openapi must be 3.1.x, is ${doc.openapi}`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') fail('info.title and info.version are required strings');
  if (!doc.paths || typeof doc.paths !== 'object') fail('paths must be an object');
  const schemes: Json = doc.components?.securitySchemes ?? {};
  for (const [name, s] of Object.entries<Json>(schemes)) {
    if (!SCHEME_TYPES.has(s.type)) fail(`securityScheme ${name}: bad type ${s.type}`);
    if (s.type === 'apiKey' && (!s.name || !['query', 'header', 'cookie'].includes(s.in))) fail(`securityScheme ${name}: apiKey needs name and in`);
    if (s.type === 'http' && !s.scheme) fail(`securityScheme ${name}: http needs scheme`);
  }
  const checkSecurity = (where: string, security: unknown) => {
    if (security === undefined) return;
    if (!Array.isArray(security)) return fail(`${where}: security must be an array`);
    for (const req of security) for (const key of Object.keys(req)) if (!(key in schemes)) fail(`${where}: unknown security scheme ${key}`);
  };
  checkSecurity('document', doc.security);

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    if (!path.startsWith('/')) fail(`path ${path} must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const key of Object.keys(item)) if (!PATH_ITEM_KEYS.has(key)) fail(`${path}: unexpected key ${key}`);
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!METHODS.has(method)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (op.operationId !== undefined) {
        if (operationIds.has(op.operationId)) fail(`${where}: duplicate operationId ${op.operationId}`);
        operationIds.add(op.operationId);
      }
      const params: Json[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const seen = new Set<string>();
      for (const p of params) {
        if (typeof p.name !== 'string' || !PARAM_IN.has(p.in)) fail(`${where}: parameter needs a name and a valid in`);
        if (!p.schema && !p.content) fail(`${where}: parameter ${p.name} needs schema or content`);
        if (p.in === 'path' && p.required !== true) fail(`${where}: path parameter ${p.name} must be required`);
        if (p.in === 'path' && !templated.includes(p.name)) fail(`${where}: path parameter ${p.name} is not in the path`);
        const key = `${p.in}:${p.name}`;
        if (seen.has(key)) fail(`${where}: duplicate parameter ${key}`);
        seen.add(key);
      }
      for (const name of templated) if (!seen.has(`path:${name}`)) fail(`${where}: path parameter {${name}} is not declared`);
      if (op.requestBody && (!op.requestBody.content || !Object.keys(op.requestBody.content).length)) fail(`${where}: requestBody needs content`);
      const responses: Json = op.responses ?? {};
      if (!Object.keys(responses).length) fail(`${where}: needs at least one response`);
      for (const [status, r] of Object.entries<Json>(responses)) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status)) fail(`${where}: bad response status ${status}`);
        if (typeof r.description !== 'string' || !r.description) fail(`${where} ${status}: response needs a description`);
      }
      checkSecurity(where, op.security);
    }
  }

  const refs: Array<[string, string]> = [];
  collectRefs(doc, '#', refs);
  for (const [at, ref] of refs) if (resolvePointer(doc, ref) === undefined) fail(`${at}: $ref ${ref} does not resolve`);
  return errors;
}
