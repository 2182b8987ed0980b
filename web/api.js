// Renders /api/openapi.json: each operation with its description, request body and responses.
'use strict';

const token = sessionStorage.getItem('netspot-token') || '';

function el(tag, props, ...children) {
  const e = Object.assign(document.createElement(tag), props || {});
  e.append(...children);
  return e;
}

// Inline #/components/schemas references for display.
function resolve(schema, doc, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 8) return schema;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop();
    return resolve(doc.components?.schemas?.[name], doc, depth + 1);
  }
  if (Array.isArray(schema)) return schema.map((s) => resolve(s, doc, depth + 1));
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = resolve(v, doc, depth + 1);
  return out;
}

function render(doc) {
  document.getElementById('version').textContent = 'version ' + doc.info.version + ' · OpenAPI ' + doc.openapi;
  document.getElementById('intro').textContent = doc.info.description || '';
  const ops = document.getElementById('ops');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = el('div');
      if (op.description) body.append(el('p', { textContent: op.description }));
      for (const p of op.parameters || []) body.append(el('p', { textContent: 'query ' + p.name + ': ' + (p.description || p.schema?.description || '') }));
      const req = op.requestBody?.content?.['application/json']?.schema;
      if (req) body.append(el('h2', { textContent: 'request body' }), el('pre', { textContent: JSON.stringify(resolve(req, doc), null, 2) }));
      for (const [code, r] of Object.entries(op.responses || {})) {
        const content = r.content || {};
        const types = Object.keys(content);
        body.append(el('h2', { textContent: code + ' ' + (r.description || '') + (types.length ? ' (' + types.join(', ') + ')' : '') }));
        const schema = content['application/json']?.schema;
        if (schema && code.startsWith('2')) body.append(el('pre', { textContent: JSON.stringify(resolve(schema, doc), null, 2) }));
      }
      const summary = el('summary', {}, el('span', { className: 'method ' + method, textContent: method.toUpperCase() }), path + ' — ' + (op.summary || ''));
      ops.append(el('details', { className: 'op' }, summary, body));
    }
  }
}

fetch('/api/openapi.json', { headers: token ? { authorization: 'Bearer ' + token } : {} })
  .then(async (res) => {
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || 'HTTP ' + res.status);
    render(await res.json());
  })
  .catch((err) => {
    const m = document.getElementById('message');
    m.hidden = false;
    m.textContent = 'Cannot load the API document: ' + err.message + ' (a token is set from the dashboard).';
  });
