/**
 * /docs: the OpenAPI document rendered as one plain HTML page, built on the server from the same
 * document as /openapi.json. Nothing is loaded from elsewhere (the local stack may have no network).
 */

type Json = Record<string, unknown>

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

const Methods = ['get', 'post', 'put', 'patch', 'delete'] as const

function schemaText(schema: unknown, refs: Json): string {
  const ref = (schema as Json | undefined)?.$ref
  const resolved = typeof ref === 'string' ? refs[ref.split('/').pop()!] : schema
  return JSON.stringify(resolved, null, 1) ?? ''
}

function operation(path: string, method: string, op: Json, refs: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? []
  const body = (op.requestBody as Json | undefined)?.content as Json | undefined
  const bodySchema = (body?.['application/json'] as Json | undefined)?.schema
  const responses = Object.entries((op.responses as Json) ?? {})
    .map(([code, r]) => `<li><code>${esc(code)}</code> ${esc((r as Json).description)}</li>`)
    .join('')
  return `<section class="op" id="${esc(`${method}-${path}`)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>${op.description ? `<p class="d">${esc(op.description)}</p>` : ''}
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`).join('')}</table>` : ''}
${bodySchema ? `<details><summary>JSON body</summary><pre>${esc(schemaText(bodySchema, refs))}</pre></details>` : ''}
<ul class="r">${responses}</ul>
</section>`
}

export function docsPage(openapi: object): string {
  const doc = openapi as Json
  const info = doc.info as Json
  const refs = ((doc.components as Json | undefined)?.schemas as Json) ?? {}
  const ops = Object.entries((doc.paths as Json) ?? {}).flatMap(([path, item]) =>
    Methods.filter((m) => (item as Json)[m]).map((m) => ({ path, method: m, op: (item as Json)[m] as Json })),
  )
  const byTag = new Map<string, typeof ops>()
  for (const o of ops) {
    const tag = ((o.op.tags as string[] | undefined) ?? ['other'])[0]
    byTag.set(tag, [...(byTag.get(tag) ?? []), o])
  }
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ')
  const sections = [...byTag]
    .map(([tag, list]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${list.map((o) => operation(o.path, o.method, o.op, refs)).join('\n')}`)
    .join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}
.op{border:1px solid #ddd;border-radius:6px;padding:.2rem .8rem;margin:.7rem 0}.m{display:inline-block;min-width:4.2rem;font-size:12px;color:#fff;border-radius:3px;padding:1px 6px;text-align:center}
.get{background:#2a7ae2}.post{background:#2e9d5b}.put{background:#c7811a}.patch{background:#8a5cc7}.delete{background:#c74242}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #e3e3e3;padding:2px 6px;text-align:left}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}.d{white-space:pre-line;color:#444}</style>
</head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p><p>Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>. Usage page: <a href="/">/</a>.</p>
<p>${toc}</p>
${sections}
</body></html>`
}
