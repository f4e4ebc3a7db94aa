import { createHash } from 'node:crypto'

/**
 * The compatibility page at `/compat`, next to the usage page (issue 19): the same key in sessionStorage, the
 * report from GET /accounts/{id}/compat, its findings as tables and the speed test as an SVG: accepted submits
 * per second as bars against the account speed (a line), throttled seconds marked red. Data goes in through
 * textContent and attributes only, never as HTML.
 */
const script = `
'use strict'
var $ = function (id) { return document.getElementById(id) }
var KeyName = 'smppApiKey'
var SvgNs = 'http://www.w3.org/2000/svg'
function status(text, isError) { var el = $('status'); el.textContent = text; el.className = isError ? 'error' : '' }
function api(path) {
  var key = sessionStorage.getItem(KeyName)
  if (!key) return Promise.reject(new Error('enter an API key first'))
  return fetch(path, { headers: { authorization: 'Bearer ' + key } }).then(function (res) {
    if (res.ok) return res.json()
    return res.json().then(function (b) { throw new Error(res.status + ' ' + ((b.error && b.error.message) || res.statusText)) })
  })
}
function cell(tr, text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td) }
function findings(tbody, list) {
  tbody.replaceChildren()
  list.forEach(function (f) {
    var tr = document.createElement('tr')
    tr.setAttribute('data-check', f.check)
    cell(tr, f.level, 'level ' + f.level); cell(tr, f.check); cell(tr, f.detail); cell(tr, f.rule)
    tbody.appendChild(tr)
  })
}
function svg(tag, attrs) { var el = document.createElementNS(SvgNs, tag); Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]) }); return el }
function chart(report) {
  var c = $('speed'); c.replaceChildren()
  var tl = report.timeline
  if (tl.length === 0) return
  var t0 = tl[0].t, span = Math.max(1, tl[tl.length - 1].t - t0 + 1)
  var top = Math.max(report.speed, Math.max.apply(null, tl.map(function (p) { return p.submitted })))
  var W = 900, H = 240, bw = Math.max(1, W / span - 1)
  var y = function (v) { return H - (v / top) * (H - 20) }
  tl.forEach(function (p) {
    var x = ((p.t - t0) / span) * W
    c.appendChild(svg('rect', { class: 'bar', x: x, y: y(p.accepted), width: bw, height: H - y(p.accepted), 'data-t': p.t, 'data-accepted': p.accepted }))
    if (p.throttled > 0) c.appendChild(svg('rect', { class: 'throttled', x: x, y: 2, width: bw, height: 8, 'data-t': p.t, 'data-throttled': p.throttled }))
  })
  c.appendChild(svg('line', { class: 'speed', x1: 0, x2: W, y1: y(report.speed), y2: y(report.speed), 'data-speed': report.speed }))
  var label = svg('text', { class: 'axis', x: 4, y: y(report.speed) - 4 }); label.textContent = 'speed ' + report.speed + '/s'; c.appendChild(label)
}
function show() {
  var id = $('account').value.trim()
  if (!id) return status('enter an account', true)
  status('loading…')
  api('/accounts/' + encodeURIComponent(id) + '/compat').then(function (r) {
    $('verdict').textContent = r.accountId + (r.sandbox ? ' (sandbox)' : '') + ': ' + r.verdict
    $('verdict').className = 'level ' + r.verdict
    findings($('findings').tBodies[0], r.findings)
    var sb = $('sessions').tBodies[0]; sb.replaceChildren()
    r.sessions.forEach(function (s) {
      var tr = document.createElement('tr')
      cell(tr, s.boundAt); cell(tr, 'bind_' + s.bind.mode); cell(tr, s.remoteAddress); cell(tr, s.end || 'bound'); cell(tr, s.verdict, 'level ' + s.verdict)
      cell(tr, String(s.figures.submits), 'num'); cell(tr, String(s.figures.throttled), 'num')
      sb.appendChild(tr)
    })
    chart(r)
    $('results').hidden = false
    status('')
  }).catch(function (e) { status(e.message, true) })
}
$('keyform').addEventListener('submit', function (ev) { ev.preventDefault(); sessionStorage.setItem(KeyName, $('key').value.trim()); $('key').value = '' })
$('query').addEventListener('submit', function (ev) { ev.preventDefault(); show() })
var fromUrl = new URLSearchParams(location.search).get('account')
if (fromUrl) { $('account').value = fromUrl; if (sessionStorage.getItem(KeyName)) show() }
`

const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ESME compatibility</title><link rel="icon" href="data:,">
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:62rem;margin:1.2rem auto;padding:0 1rem;color:#222}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.6rem 0}label{display:flex;flex-direction:column;font-size:12px;color:#555}
input,button{font:inherit;padding:.25rem .4rem}#status.error{color:#b00020}
svg{width:100%;height:auto;border:1px solid #eee;border-radius:6px;background:#fcfcfc}.bar{fill:#2a7ae2}.throttled{fill:#d33}.speed{stroke:#444;stroke-dasharray:4 3}.axis{font-size:11px;fill:#555}
table{border-collapse:collapse;width:100%;margin-top:.5rem}th,td{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}td.num{text-align:right}
.level.pass{color:#17803d}.level.warn{color:#a15c00}.level.fail{color:#b00020;font-weight:600}
</style></head>
<body>
<h1>ESME compatibility</h1><p><a href="/">Usage</a></p>
<form id="keyform"><label>API key<input id="key" type="password" autocomplete="off" size="40"></label><button type="submit">Use key</button></form>
<form id="query"><label>Account<input id="account" size="24"></label><button type="submit" id="show">Show</button></form>
<p id="status" role="status"></p>
<div id="results" hidden>
<h2 id="verdict"></h2>
<h2>Speed test</h2><p>accepted submits per second (bars) against the account speed (line); throttled seconds marked red</p>
<svg id="speed" viewBox="0 0 900 240" role="img" aria-label="speed test"></svg>
<h2>Findings</h2>
<table id="findings"><thead><tr><th>level</th><th>check</th><th>seen</th><th>rule</th></tr></thead><tbody></tbody></table>
<h2>Sessions</h2>
<table id="sessions"><thead><tr><th>bound</th><th>bind</th><th>from</th><th>end</th><th>verdict</th><th>submits</th><th>throttled</th></tr></thead><tbody></tbody></table>
</div>
<script>${script}</script>
</body></html>`

/** The CSP allows exactly this inline script, by its hash. */
export const compatPage = {
  html,
  scriptHash: `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`,
}
