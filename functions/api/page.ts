import { createHash } from 'node:crypto'

/**
 * The usage page at `/`: plain HTML and one inline script, no build and nothing from a CDN. It calls
 * the same API as everyone else with the key the user types (kept in sessionStorage, so it goes with
 * the tab), draws usage per day as an SVG bar chart and per destination prefix as a table, and
 * downloads the CSV exports through fetch (a plain link could not carry the Authorization header).
 * Data goes into the page through textContent and attributes only, never as HTML.
 */

const script = `
'use strict'
var $ = function (id) { return document.getElementById(id) }
var KeyName = 'smppApiKey'
var SvgNs = 'http://www.w3.org/2000/svg'
var today = new Date().toISOString().slice(0, 10)
var monthAgo = new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10)
$('from').value = monthAgo
$('to').value = today

function status(text, isError) {
  var el = $('status')
  el.textContent = text
  el.className = isError ? 'error' : ''
}

function api(path, asText) {
  var key = sessionStorage.getItem(KeyName)
  if (!key) return Promise.reject(new Error('enter an API key first'))
  return fetch(path, { headers: { authorization: 'Bearer ' + key } }).then(function (res) {
    if (res.ok) return asText ? res.text() : res.json()
    return res.json().then(
      function (body) { throw new Error(res.status + ' ' + ((body.error && body.error.message) || res.statusText)) },
      function () { throw new Error(res.status + ' ' + res.statusText) },
    )
  })
}

function option(value, label) {
  var o = document.createElement('option')
  o.value = value
  o.textContent = label || value
  return o
}

function loadAccounts() {
  var select = $('account')
  select.replaceChildren()
  return api('/me').then(function (me) {
    $('who').textContent = me.name + ' (' + me.role + ')'
    if (me.role === 'account') {
      select.appendChild(option(me.accountId))
      return
    }
    // Bounded: at most 50 pages of 1000 accounts.
    var page = function (cursor, n) {
      return api('/accounts?limit=1000' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then(function (res) {
        res.items.forEach(function (a) { select.appendChild(option(a.accountId, a.sandbox ? a.accountId + ' (sandbox)' : a.accountId)) })
        if (res.cursor && n < 50) return page(res.cursor, n + 1)
      })
    }
    return page(undefined, 1)
  })
}

function query(groupBy) {
  return '/accounts/' + encodeURIComponent($('account').value) + '/usage?groupBy=' + groupBy + '&from=' + $('from').value + '&to=' + $('to').value
}

function drawChart(report, metric) {
  var svg = $('chart')
  svg.replaceChildren()
  var items = report.items
  var W = 900, H = 260, left = 70, bottom = 40, top = 12
  var values = items.map(function (i) { return i[metric] })
  var max = Math.max.apply(null, values.concat([0]))
  var label = function (v) { return metric === 'cost' ? (v / Math.pow(10, decimalsOf(report))).toFixed(decimalsOf(report)) : String(v) }
  var step = (W - left - 10) / Math.max(items.length, 1)
  var el = function (name, attrs, text) {
    var e = document.createElementNS(SvgNs, name)
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]) })
    if (text !== undefined) e.textContent = text
    svg.appendChild(e)
    return e
  }
  el('line', { x1: left, y1: H - bottom, x2: W - 10, y2: H - bottom, stroke: '#888' })
  el('line', { x1: left, y1: top, x2: left, y2: H - bottom, stroke: '#888' })
  el('text', { x: left - 6, y: top + 4, 'text-anchor': 'end', class: 'axis', id: 'ymax' }, label(max))
  el('text', { x: left - 6, y: H - bottom, 'text-anchor': 'end', class: 'axis' }, '0')
  var every = Math.ceil(items.length / 12)
  items.forEach(function (item, i) {
    var v = item[metric]
    // A day with any traffic keeps at least one pixel, so it never looks like an empty day.
    var h = v > 0 ? Math.max(1, Math.round(((H - bottom - top) * v) / max)) : 0
    var bar = el('rect', {
      x: (left + i * step + step * 0.1).toFixed(1), y: H - bottom - h, width: Math.max(step * 0.8, 1).toFixed(1), height: h,
      class: 'bar', 'data-day': item.key, 'data-value': v,
    })
    var title = document.createElementNS(SvgNs, 'title')
    title.textContent = item.key + ': ' + label(v)
    bar.appendChild(title)
    if (i % every === 0) el('text', { x: (left + i * step + step / 2).toFixed(1), y: H - bottom + 16, 'text-anchor': 'middle', class: 'axis' }, item.key.slice(5))
  })
}

function decimalsOf(report) {
  var t = report.totals.costDecimal
  return t.indexOf('.') < 0 ? 0 : t.length - t.indexOf('.') - 1
}

function fillTable(report) {
  var body = $('destinations').querySelector('tbody')
  body.replaceChildren()
  report.items.forEach(function (i) {
    var tr = document.createElement('tr')
    ;[i.key === '' ? '(any)' : i.key, i.messages, i.parts, i.costDecimal, i.refundsDecimal, i.netDecimal, i.partsSaved].forEach(function (v, n) {
      var td = document.createElement('td')
      td.textContent = String(v)
      if (n > 0) td.className = 'num'
      tr.appendChild(td)
    })
    tr.setAttribute('data-prefix', i.key)
    body.appendChild(tr)
  })
  var t = report.totals
  // Issue 19: a sandbox account's figures are test credit; the page says so before any number.
  $('totals').textContent = (report.sandbox ? 'Sandbox account: test credit, not revenue. ' : '') + t.messages + ' messages, ' + t.parts + ' parts, cost ' + t.costDecimal + ' ' + report.currency +
    ', refunds ' + t.refundsDecimal + ', net ' + t.netDecimal + ', parts saved by shift tables ' + t.partsSaved
}

var last
function show() {
  if (!$('account').value) return status('pick an account', true)
  status('loading...')
  Promise.all([api(query('day')), api(query('prefix'))]).then(function (r) {
    last = r[0]
    drawChart(r[0], $('metric').value)
    fillTable(r[1])
    $('results').hidden = false
    status('')
  }, function (e) { status(e.message, true) })
}

function download(path, name) {
  api(path, true).then(function (text) {
    var a = document.createElement('a')
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }))
    a.download = name
    document.body.appendChild(a)
    a.click()
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove() }, 1000)
  }, function (e) { status(e.message, true) })
}

$('keyform').addEventListener('submit', function (ev) {
  ev.preventDefault()
  sessionStorage.setItem(KeyName, $('key').value.trim())
  $('key').value = ''
  loadAccounts().then(function () { status('') }, function (e) { status(e.message, true) })
})
$('forget').addEventListener('click', function () {
  sessionStorage.removeItem(KeyName)
  $('account').replaceChildren()
  $('who').textContent = ''
  $('results').hidden = true
})
$('query').addEventListener('submit', function (ev) { ev.preventDefault(); show() })
$('metric').addEventListener('change', function () { if (last) drawChart(last, $('metric').value) })
$('csvDay').addEventListener('click', function () { download(query('day') + '&format=csv', 'usage-by-day.csv') })
$('csvPrefix').addEventListener('click', function () { download(query('prefix') + '&format=csv', 'usage-by-destination.csv') })
$('csvLedger').addEventListener('click', function () {
  download('/accounts/' + encodeURIComponent($('account').value) + '/ledger.csv?from=' + $('from').value + '&to=' + $('to').value, 'ledger.csv')
})
if (sessionStorage.getItem(KeyName)) loadAccounts().catch(function (e) { status(e.message, true) })
`

const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Usage</title><link rel="icon" href="data:,">
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:62rem;margin:1.2rem auto;padding:0 1rem;color:#222}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.6rem 0}label{display:flex;flex-direction:column;font-size:12px;color:#555}
input,select,button{font:inherit;padding:.25rem .4rem}button{cursor:pointer}
#status.error{color:#b00020}#who{color:#555;margin-left:.5rem}
svg{width:100%;height:auto;border:1px solid #eee;border-radius:6px;background:#fcfcfc}.bar{fill:#2a7ae2}.bar:hover{fill:#174f99}.axis{font-size:11px;fill:#555}
table{border-collapse:collapse;width:100%;margin-top:.5rem}th,td{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.downloads{margin:.8rem 0;display:flex;gap:.5rem}
</style></head>
<body>
<h1>Usage</h1><p><a href="/compat">ESME compatibility</a></p>
<form id="keyform"><label>API key<input id="key" type="password" autocomplete="off" size="40" placeholder="sk_..."></label>
<button type="submit">Use key</button><button type="button" id="forget">Forget key</button><span id="who"></span></form>
<form id="query">
<label>Account<select id="account"></select></label>
<label>From<input id="from" type="date"></label><label>To<input id="to" type="date"></label>
<label>Chart<select id="metric"><option value="messages">messages</option><option value="parts">parts</option><option value="cost">cost</option><option value="partsSaved">parts saved</option></select></label>
<button type="submit" id="show">Show</button></form>
<p id="status" role="status"></p>
<div id="results" hidden>
<p id="totals"></p>
<h2>Per day</h2>
<svg id="chart" viewBox="0 0 900 260" role="img" aria-label="usage per day"></svg>
<h2>Per destination</h2>
<table id="destinations"><thead><tr><th>prefix</th><th class="num">messages</th><th class="num">parts</th><th class="num">cost</th><th class="num">refunds</th><th class="num">net</th><th class="num" title="parts UCS2 would have cost minus the parts billed: national language shift tables (issue 17)">parts saved</th></tr></thead><tbody></tbody></table>
<div class="downloads"><button type="button" id="csvDay">CSV per day</button><button type="button" id="csvPrefix">CSV per destination</button><button type="button" id="csvLedger">Ledger CSV</button></div>
</div>
<script>${script}</script>
</body></html>`

/** The CSP allows exactly this inline script, by its hash. */
export const usagePage = {
  html,
  scriptHash: `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`,
}
