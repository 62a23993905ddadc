/**
 * The API reference as one server-rendered HTML page (GET /docs), from the OpenAPI document: every
 * operation with its parameters, request body schema and responses. No script, no outside asset.
 */
import { escapeHtml } from '../notices/format.js';

interface Doc {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation | undefined> | undefined>;
  components?: { schemas?: Record<string, unknown> };
}

interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
  security?: unknown[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function anchor(method: string, path: string): string {
  return `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
}

export function renderReferencePage(document: object): string {
  const doc = document as Doc;
  const ops: { method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) {
      const op = item?.[m];
      if (op) ops.push({ method: m.toUpperCase(), path, op });
    }
  }
  const toc = ops.map(({ method, path, op }) => `<li><a href="#${anchor(method, path)}"><code>${method} ${escapeHtml(path)}</code></a> ${escapeHtml(op.summary ?? '')}</li>`).join('\n');
  const sections = ops
    .map(({ method, path, op }) => {
      const params = (op.parameters ?? [])
        .map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code>${p.description ? ` ${escapeHtml(p.description)}` : ''}</td></tr>`)
        .join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(r.description ?? '')}</td></tr>`)
        .join('');
      return `<section id="${anchor(method, path)}">
<h2><code>${method} ${escapeHtml(path)}</code></h2>
<p>${escapeHtml(op.summary ?? '')}${op.security && op.security.length === 0 ? ' (no key needed)' : ''}</p>
${params ? `<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${params}</table>` : ''}
${body ? `<h3>Request body (application/json)</h3>${schemaBlock(body)}` : ''}
<h3>Responses</h3><table><tr><th>status</th><th>meaning</th></tr>${responses}</table>
</section>`;
    })
    .join('\n');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, s]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${schemaBlock(s)}`)
    .join('\n');
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} — API reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:.85rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
section{border-top:1px solid #ddd;margin-top:1.5rem}</style></head>
<body><h1>${escapeHtml(doc.info.title)} <small>v${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Send the key as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
<h2>Operations</h2><ul>${toc}</ul>
${sections}
${schemas ? `<h2>Schemas</h2>${schemas}` : ''}
</body></html>`;
}
