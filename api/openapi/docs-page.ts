/**
 * The OpenAPI document as a plain HTML page, rendered here: helmet's CSP forbids inline scripts
 * and the API must work offline, so no Swagger UI from a CDN.
 */
type Json = Record<string, any>;

function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function schemaName(schema: Json | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return String(schema.$ref).split('/').pop()!;
  if (schema.oneOf) return (schema.oneOf as Json[]).map(schemaName).join(' | ');
  return schema.enum ? (schema.enum as unknown[]).join(' | ') : (schema.type ?? 'any');
}

function fieldsTable(schema: Json | undefined): string {
  const props = Object.entries<Json>(schema?.properties ?? {});
  if (!props.length) return '';
  const required = new Set<string>(schema?.required ?? []);
  const rows = props.map(
    ([name, p]) => `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' *' : ''}</td><td>${esc(schemaName(p))}</td><td>${esc(p.description ?? p.pattern ?? '')}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
}

function operationSection(doc: Json, path: string, method: string, op: Json): string {
  const schemas: Json = doc.components.schemas;
  const params = (op.parameters as Json[]).map(
    (p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' *' : ''}</td><td>${esc(p.in)}</td><td>${esc(schemaName(p.schema))}</td><td>${esc(p.description ?? '')}</td></tr>`,
  );
  const bodySchema = op.requestBody?.content?.['application/json']?.schema as Json | undefined;
  const bodyName = schemaName(bodySchema);
  const bodyFields = bodySchema?.$ref ? fieldsTable(schemas[bodyName]) : '';
  const responses = Object.entries<Json>(op.responses).map(([status, r]) => {
    const types = Object.entries<Json>(r.content ?? {}).map(([type, c]) => `${type} ${schemaName(c.schema)}`);
    return `<tr><td>${esc(status)}</td><td>${esc(r.description)}</td><td>${esc(types.join(', '))}</td></tr>`;
  });
  return `<section id="${esc(op.operationId)}">
<h2><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h2>
<p>${esc(op.summary)}</p>
${String(op.description ?? '')
  .split('\n\n')
  .map((para) => `<p>${esc(para)}</p>`)
  .join('')}
${params.length ? `<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr>${params.join('')}</table>` : ''}
${bodySchema ? `<h3>Request body: ${esc(bodyName)}</h3>${esc(op.requestBody.description ?? '')}${bodyFields}` : ''}
<h3>Responses</h3><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses.join('')}</table>
</section>`;
}

export function docsPage(doc: Json): string {
  const ops: Array<[string, string, Json]> = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) for (const [method, op] of Object.entries<Json>(item)) ops.push([path, method, op]);
  const index = ops.map(([path, method, op]) => `<tr><td class="m">${esc(method.toUpperCase())}</td><td><a href="#${esc(op.operationId)}"><code>${esc(path)}</code></a></td><td>${esc((op['x-roles'] as string[] | undefined)?.join(', ') ?? (op.security.length ? 'signed webhook' : 'public'))}</td><td>${esc(op.summary)}</td></tr>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}.m{font-weight:bold;font-family:monospace}section{border-top:2px solid #888;margin-top:2em}</style></head>
<body><h1>${esc(doc.info.title)} ${esc(doc.info.version)}</h1><p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<h2>Authentication</h2><table>${Object.entries<Json>(doc.components.securitySchemes)
    .map(([name, s]) => `<tr><td><code>${esc(name)}</code></td><td>${esc(s.type === 'http' ? `${s.scheme} token` : `${s.in} ${s.name}`)}</td><td>${esc(s.description)}</td></tr>`)
    .join('')}</table>
<h2>Routes</h2><table><tr><th>method</th><th>path</th><th>who</th><th>what</th></tr>${index.join('')}</table>
${ops.map(([path, method, op]) => operationSection(doc, path, method, op)).join('\n')}
</body></html>`;
}
