/// The fixed parts of the HTML report (``HTMLReportExporter``): the body's skeleton, the style sheet
/// and the script that draws the page from the embedded JSON. Plain Swift string literals, so the
/// built binary needs no resource bundle; no framework, no build step, no network.
///
/// The script's rules: data reaches the page only through `textContent` and attribute setters, never
/// as markup; every element it draws carries the `data-` attributes `scripts/test-html` reads; when it
/// is done it writes a summary of what it drew (cards, chart, table rows) to `<html data-spoor-render>`.
enum HTMLReportPage {
    static let body = #"""
<body>
<a class="skip" href="#verdicts">Skip to the verdicts</a>
<header class="top" id="top">
<h1>Spoor incident report</h1>
<p id="overview" class="overview"></p>
<noscript><p class="noscript">This page draws itself with JavaScript, which is switched off. The JSON report (<code>spoor scan --format json</code>) and the Markdown summary (<code>--format markdown</code>) hold the same findings.</p></noscript>
</header>
<nav id="toc" class="toc" aria-label="Sections"></nav>
<main id="main">
<section id="verdicts" aria-labelledby="verdicts-title">
<h2 id="verdicts-title">Verdicts on data exposure</h2>
<p class="intro">One card per host and per account: the verdict, when, which data, how sure, and why. Each reason links to the findings and evidence lines behind it.</p>
<div id="cards"></div>
</section>
<section id="chart-section" aria-labelledby="chart-title">
<h2 id="chart-title">Timeline</h2>
<p class="intro" id="chart-intro"></p>
<div class="chart-tools" id="chart-tools"></div>
<div id="chart" class="chart"></div>
<ul id="legend" class="legend" aria-label="ATT&amp;CK tactics"></ul>
</section>
<div id="filter-banner" class="filter-banner" role="status" hidden></div>
<div id="tables"></div>
</main>
<footer id="provenance" class="provenance" aria-labelledby="provenance-title"></footer>

"""#

    static let style = #"""
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--confirmed:#b3261e;--likely:#d9480f;--possible:#b08800;--no-evidence:#2f7d32;--cannot-assess:#57606a;--focus:#0b57d0}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:15px;line-height:1.45;color:var(--fg);background:var(--bg)}
body{margin:0 auto;max-width:1400px;padding:0 1rem 2rem}
h1{font-size:1.6rem;margin:1rem 0 .25rem}
h2{font-size:1.25rem;margin:2rem 0 .4rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:0}
h4{font-size:.9rem;margin:.6rem 0 .2rem}
code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.85em}
a{color:#0b57d0}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem .6rem;z-index:5}
.overview{margin:.2rem 0;color:var(--muted)}
.overview strong{color:var(--fg)}
.incomplete{color:var(--confirmed);font-weight:600}
.noscript{background:#fff4e5;border:1px solid #d9480f;padding:.6rem}
.toc{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.6rem 0;font-size:.9rem}
.intro{color:var(--muted);margin:.2rem 0 .6rem;max-width:70em}
.group-title{font-size:1rem;margin:1rem 0 .4rem;color:var(--muted)}
.cards{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(min(100%,22rem),1fr));gap:.8rem}
.card{border:1px solid var(--line);border-left:6px solid var(--cannot-assess);border-radius:6px;padding:.7rem .8rem;background:var(--bg);min-width:0}
.card.v-confirmed{border-left-color:var(--confirmed)}.card.v-likely{border-left-color:var(--likely)}.card.v-possible{border-left-color:var(--possible)}.card.v-no-evidence{border-left-color:var(--no-evidence)}
.card-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4rem}
.kind{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;color:#fff;font-weight:600;font-size:.85rem;background:var(--cannot-assess)}
.badge.v-confirmed{background:var(--confirmed)}.badge.v-likely{background:var(--likely)}.badge.v-possible{background:var(--possible);color:#1b1f24}.badge.v-no-evidence{background:var(--no-evidence)}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .6rem;margin:.5rem 0}
.card dt{color:var(--muted);font-size:.85rem}
.card dd{margin:0;overflow-wrap:anywhere}
.card ol,.card ul{margin:.2rem 0;padding-left:1.2rem}
.card li{margin:.15rem 0;overflow-wrap:anywhere}
.refs{display:block;font-size:.8rem;color:var(--muted)}
.refs a{margin-right:.35rem}
.counter li{color:var(--muted)}
.chart{width:100%;overflow:hidden;border:1px solid var(--line);border-radius:6px;background:var(--bg);touch-action:none;user-select:none}
.chart svg{display:block}
.chart-tools{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.3rem 0;font-size:.9rem}
button{font:inherit;font-size:.9rem;padding:.15rem .6rem;border:1px solid var(--line);border-radius:4px;background:var(--soft);color:var(--fg);cursor:pointer}
button:hover{background:#eaeef2}
.axis line{stroke:var(--line)}
.axis text,.lane-label,.source-label{font-size:11px;fill:var(--muted)}
.lane-label{font-weight:600;fill:var(--fg);font-size:12px}
.bar{cursor:pointer}
.bar:focus{outline:none}
.bar:focus rect.hit,.bar:hover rect.hit{stroke:var(--focus);stroke-width:2;fill:rgba(11,87,208,.08)}
rect.hit{fill:transparent}
.span-confirmed{fill:rgba(179,38,30,.13)}.span-likely{fill:rgba(217,72,15,.12)}.span-possible{fill:rgba(176,136,0,.14)}
.span-cannot-assess{fill:url(#hatch)}
.cov{fill:#8c959f}
.gap{fill:#fff;stroke:var(--confirmed);stroke-width:1;stroke-dasharray:2 2}
.selection{fill:rgba(11,87,208,.15);stroke:var(--focus)}
.legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;padding:0;margin:.4rem 0;font-size:.85rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
.t0{fill:#6e40c9;background:#6e40c9}.t1{fill:#8250df;background:#8250df}.t2{fill:#cf222e;background:#cf222e}.t3{fill:#bc4c00;background:#bc4c00}
.t4{fill:#9a6700;background:#9a6700}.t5{fill:#d4a72c;background:#d4a72c}.t6{fill:#1a7f37;background:#1a7f37}.t7{fill:#0969da;background:#0969da}
.t8{fill:#54aeff;background:#54aeff}.t9{fill:#1b7c83;background:#1b7c83}.t10{fill:#bf3989;background:#bf3989}.t11{fill:#953800;background:#953800}
.t12{fill:#a40e26;background:#a40e26}.t13{fill:#24292f;background:#24292f}.t14{fill:#8c959f;background:#8c959f}
.filter-banner{position:sticky;top:0;z-index:3;background:#ddf4ff;border:1px solid #54aeff;border-radius:6px;padding:.4rem .7rem;margin:1rem 0;display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
.filter-banner[hidden]{display:none}
.table-tools{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.3rem 0;font-size:.9rem}
.table-tools input{font:inherit;padding:.15rem .4rem;border:1px solid var(--line);border-radius:4px;min-width:14rem;max-width:100%}
.count{color:var(--muted)}
.capped{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:.3rem .6rem;font-size:.9rem;margin:.3rem 0}
.table-section{content-visibility:auto;contain-intrinsic-size:auto 40rem}
.table-wrap{overflow:auto;max-height:34rem;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{padding:.25rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:var(--soft);z-index:1;white-space:nowrap}
th button{all:unset;cursor:pointer;font-weight:600}
th button:focus-visible{outline:3px solid var(--focus)}
th[aria-sort=ascending] button::after{content:" \25B2"}
th[aria-sort=descending] button::after{content:" \25BC"}
td.num,td.bytes{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
td.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem;overflow-wrap:anywhere;min-width:8rem}
td.long{white-space:pre-wrap;overflow-wrap:anywhere;min-width:16rem;max-width:48rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem}
td.level-critical,td.level-high{color:var(--confirmed);font-weight:600}td.level-medium{color:var(--likely)}
tr.flash td{background:#fff8c5}
tbody tr:target td{background:#fff8c5}
.provenance{margin-top:2.5rem;border-top:2px solid var(--line);padding-top:.5rem;font-size:.85rem}
.provenance dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}
.provenance dt{color:var(--muted)}
.provenance dd{margin:0;overflow-wrap:anywhere}
.provenance ul{margin:0;padding-left:1.1rem}
@media (max-width:640px){html{font-size:14px}body{padding:0 .5rem 1rem}.provenance dl,.card dl{grid-template-columns:1fr}.table-tools input{min-width:0;width:100%}}
@media print{
html{font-size:10pt}body{max-width:none;padding:0}
.table-section{content-visibility:visible}
.toc,.skip,.chart-tools,.table-tools input,.filter-banner,noscript{display:none!important}
.table-wrap{max-height:none;overflow:visible;border:none}
thead th{position:static}
table{font-size:7.5pt}
td.long{max-width:none;min-width:0}
.card,tr,.legend,.chart{break-inside:avoid}
h2{break-after:avoid}
a{color:inherit;text-decoration:none}
.chart{border:none}
}

"""#

    static let script = #"""
(function () {
'use strict';
var started = performance.now();
var D = JSON.parse(document.getElementById('spoor-data').textContent);
var SVGNS = 'http://www.w3.org/2000/svg';
var HOUR = 3600000, DAY = 86400000;
var rendered = {cards: [], chart: {}, tables: {}};

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
  add(node, children);
  return node;
}
function add(node, children) {
  if (children === undefined || children === null) return node;
  if (!Array.isArray(children)) children = [children];
  children.forEach(function (child) {
    if (child === undefined || child === null) return;
    node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  });
  return node;
}
function sv(tag, attrs) {
  var node = document.createElementNS(SVGNS, tag);
  if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
  return node;
}
var NUMBERS = new Intl.NumberFormat('en-US');
function num(n) { return NUMBERS.format(Number(n)); }
function bytes(n) {
  if (n === null || n === undefined) return '';
  var units = ['B', 'kB', 'MB', 'GB', 'TB'], v = Number(n), i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return i === 0 ? num(n) + ' B' : num(n) + ' B (' + v.toFixed(1) + ' ' + units[i] + ')';
}
function when(iso) { return iso ? String(iso).replace('T', ' ').replace(/Z$/, '') : ''; }
function ms(iso) { var t = Date.parse(iso); return isNaN(t) ? null : t; }
function plural(n, one, many) { return num(n) + ' ' + (n === 1 ? one : (many || one + 's')); }

// ---- header and contents --------------------------------------------------------------------------
var H = D.header;
var overview = document.getElementById('overview');
add(overview, [plural(H.evidenceFiles, 'evidence file'), ', ', plural(H.lines, 'line'),
  H.first ? ', from ' + when(H.first) + ' to ' + when(H.last) + ' UTC' : '', '. ',
  plural(H.hosts, 'host'), ', ', plural(H.accounts, 'account'), ', ', plural(H.sources, 'source address', 'source addresses'),
  ' (', plural(H.attackers, 'attacker'), '), ', plural(H.sessions, 'session'), ' (', num(H.maliciousSessions), ' malicious), ',
  plural(H.findingsKept, 'finding'), ' kept. ']);
add(overview, H.complete ? el('strong', null, 'The scan is complete.') : el('span', {'class': 'incomplete'}, 'The scan is incomplete: see the provenance at the foot of the page.'));

var toc = document.getElementById('toc');
[['verdicts', 'Verdicts'], ['chart-section', 'Timeline chart']].concat(D.tables.map(function (t) { return ['sec-' + t.id, t.title]; }))
  .concat([['provenance', 'Provenance']]).forEach(function (item) { add(toc, el('a', {href: '#' + item[0]}, item[1])); });

// ---- verdict cards -------------------------------------------------------------------------------
function card(c, index) {
  var subject = c.kind === 'host' ? c.name : c.name + ' on ' + c.host;
  var node = el('article', {'class': 'card v-' + c.verdict, id: 'v-' + index, 'data-kind': c.kind, 'data-name': c.name, 'data-host': c.host,
    'data-verdict': c.verdict, 'data-confidence': c.confidence, 'data-reasons': c.reasons.length,
    'data-window': c.window ? c.window.first + '/' + c.window.last : '', 'aria-label': c.kind + ' ' + subject + ': ' + c.verdict});
  add(node, el('div', {'class': 'card-head'}, [el('span', {'class': 'kind'}, c.kind), el('h3', null, subject),
    el('span', {'class': 'badge v-' + c.verdict}, c.verdict)]));
  var data = [];
  if (c.paths.length) data.push(c.paths.join(', ') + (c.pathsTotal > c.paths.length ? ' (+' + (c.pathsTotal - c.paths.length) + ' more)' : ''));
  if (c.bytesRead > 0) data.push(bytes(c.bytesRead) + ' read');
  if (c.bytesWritten > 0) data.push(bytes(c.bytesWritten) + ' written');
  if (c.categories.length) data.push('categories: ' + c.categories.join(', '));
  add(node, el('dl', null, [
    el('dt', null, 'Window (UTC)'), el('dd', {'class': 'window'}, c.window ? when(c.window.first) + ' → ' + when(c.window.last) : '—'),
    el('dt', null, 'Data'), el('dd', {'class': 'data'}, data.length ? data.join('; ') : '—'),
    el('dt', null, 'Confidence'), el('dd', {'class': 'confidence'}, c.confidence)]));
  if (c.reasons.length) {
    add(node, el('h4', null, 'Reasons'));
    var list = el('ol', {'class': 'reasons'});
    c.reasons.forEach(function (r) {
      var refs = el('span', {'class': 'refs'});
      if (r.findings.length) {
        add(refs, 'findings: ');
        r.findings.forEach(function (id) { add(refs, el('a', {href: '#f-' + id, 'class': 'ref', 'data-finding': id}, id)); });
      }
      if (r.evidence.length) {
        add(refs, 'lines: ');
        r.evidence.forEach(function (i) {
          var row = citedRow(i);
          add(refs, el('a', {href: '#e-' + i, 'class': 'ref', 'data-evidence': i}, row ? row : '#' + (i + 1)));
        });
      }
      add(list, el('li', {'class': 'reason'}, [r.text, refs]));
    });
    add(node, list);
  }
  if (c.counter.length) {
    add(node, el('h4', null, 'Against or limiting'));
    add(node, el('ul', {'class': 'counter'}, c.counter.map(function (t) { return el('li', null, t); })));
  }
  rendered.cards.push({kind: c.kind, name: c.name, host: c.host, verdict: c.verdict, confidence: c.confidence, reasons: c.reasons.length});
  return node;
}
function citedRow(i) {
  var t = D.tables.filter(function (t) { return t.id === 'cited'; })[0];
  if (!t || !t.rows[i]) return null;
  var path = String(t.rows[i][1]), slash = path.lastIndexOf('/');
  return (slash >= 0 ? path.slice(slash + 1) : path) + ':' + t.rows[i][2];
}
var cards = document.getElementById('cards');
if (!D.cards.length) add(cards, el('p', null, 'No host or account to assess: the evidence names none.'));
[['host', 'Hosts'], ['account', 'Accounts']].forEach(function (group) {
  var members = [];
  D.cards.forEach(function (c, i) { if (c.kind === group[0]) members.push([c, i]); });
  if (!members.length) return;
  add(cards, el('h3', {'class': 'group-title'}, group[1]));
  add(cards, el('div', {'class': 'cards', 'data-group': group[0]}, members.map(function (m) { return card(m[0], m[1]); })));
});

// ---- the chart -----------------------------------------------------------------------------------
var C = D.chart;
var TACTIC_NAMES = C.tactics;
var chartBox = document.getElementById('chart');
var fullRange = (function () {
  var lo = Infinity, hi = -Infinity;
  C.counts.forEach(function (c) { lo = Math.min(lo, c[1] * HOUR); hi = Math.max(hi, (c[1] + 1) * HOUR); });
  C.lanes.forEach(function (l) { l.sources.forEach(function (s) { var a = ms(s.first), b = ms(s.last); if (a !== null) lo = Math.min(lo, a); if (b !== null) hi = Math.max(hi, b); }); });
  C.spans.forEach(function (s) { var a = ms(s.first), b = ms(s.last); if (a !== null) lo = Math.min(lo, a); if (b !== null) hi = Math.max(hi, b); });
  if (!isFinite(lo)) return null;
  lo = Math.floor(lo / HOUR) * HOUR; hi = Math.ceil(hi / HOUR) * HOUR;
  if (hi - lo < 6 * HOUR) hi = lo + 6 * HOUR;
  return [lo, hi];
})();
var view = fullRange ? fullRange.slice() : null;
var filter = null;

add(document.getElementById('chart-intro'), ['Findings per ' , el('span', {id: 'unit'}, 'hour'), ' and host, stacked by ATT&CK tactic (',
  plural(C.events, 'finding'), ' with a time', C.untimed ? '; ' + plural(C.untimed, 'finding') + ' without one not drawn' : '',
  '). Shaded: exposure windows of the verdicts (red, orange, yellow) and periods that cannot be assessed (hatched). Grey strips under each host: the time each log covers; a dashed box is a gap in it. Drag across the chart to zoom; choose a bar (click, or Tab and Enter) to filter the tables below.']);
var tools = document.getElementById('chart-tools');
var zoomOut = el('button', {type: 'button', id: 'zoom-out'}, 'Zoom out');
var zoomReset = el('button', {type: 'button', id: 'zoom-reset'}, 'Show everything');
var rangeText = el('span', {'class': 'count', id: 'chart-range', 'aria-live': 'polite'});
add(tools, [zoomOut, zoomReset, rangeText]);
zoomOut.addEventListener('click', function () {
  if (!view) return;
  var mid = (view[0] + view[1]) / 2, half = (view[1] - view[0]);
  view = [Math.max(fullRange[0], mid - half), Math.min(fullRange[1], mid + half)];
  drawChart();
});
zoomReset.addEventListener('click', function () { if (fullRange) { view = fullRange.slice(); drawChart(); } });

var legend = document.getElementById('legend');
function drawLegend(totals) {
  legend.textContent = '';
  TACTIC_NAMES.forEach(function (name, i) {
    add(legend, el('li', {'data-tactic': name}, [el('span', {'class': 'swatch t' + (name === 'other' ? 14 : i % 14), 'aria-hidden': 'true'}), name + ' (' + num(totals[i] || 0) + ')']));
  });
}
function tacticClass(i) { return 't' + (TACTIC_NAMES[i] === 'other' ? 14 : i % 14); }

function drawChart() {
  chartBox.textContent = '';
  if (!view) {
    add(chartBox, el('p', {style: null}, 'No dated finding or log line: nothing to draw.'));
    rendered.chart = {hosts: 0, bars: 0, events: 0};
    drawLegend([]);
    return;
  }
  var unit = view[1] - view[0] > 10 * DAY ? DAY : HOUR;
  document.getElementById('unit').textContent = unit === DAY ? 'day' : 'hour';
  var width = Math.max(320, chartBox.clientWidth || 900), left = width < 560 ? 48 : 72, right = 8, plot = width - left - right;
  var barH = 70, stripH = 7;
  function x(t) { return left + (t - view[0]) / (view[1] - view[0]) * plot; }
  function clampX(t) { return Math.max(left, Math.min(left + plot, x(t))); }
  // Bucket the counts of the view.
  var buckets = {}, totals = [], maxTotal = 1, inView = 0;
  C.counts.forEach(function (c) {
    var t = c[1] * HOUR;
    if (t + HOUR <= view[0] || t >= view[1]) return;
    var b = Math.floor(t / unit) * unit, key = c[0] + ':' + b;
    var bucket = buckets[key] || (buckets[key] = {host: c[0], start: b, total: 0, parts: {}});
    bucket.parts[c[2]] = (bucket.parts[c[2]] || 0) + c[3];
    bucket.total += c[3];
    totals[c[2]] = (totals[c[2]] || 0) + c[3];
    inView += c[3];
  });
  Object.keys(buckets).forEach(function (k) { maxTotal = Math.max(maxTotal, buckets[k].total); });
  var laneHeights = C.lanes.map(function (l) { return 18 + barH + 6 + l.sources.length * (stripH + 5) + 12; });
  var height = laneHeights.reduce(function (a, b) { return a + b; }, 0) + 28;
  var svg = sv('svg', {width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
    'aria-label': 'Findings per ' + (unit === DAY ? 'day' : 'hour') + ' and host, ' + when(new Date(view[0]).toISOString()) + ' to ' + when(new Date(view[1]).toISOString()) + ' UTC'});
  var defs = sv('defs'), pattern = sv('pattern', {id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)'});
  pattern.appendChild(sv('rect', {width: 6, height: 6, fill: 'rgba(87,96,106,.06)'}));
  pattern.appendChild(sv('line', {x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'rgba(87,96,106,.45)', 'stroke-width': 2}));
  defs.appendChild(pattern); svg.appendChild(defs);
  var bars = 0, drawnEvents = 0, y = 0, step = unit;
  var bw = Math.max(1, x(view[0] + unit) - x(view[0]) - (unit === HOUR && plot / ((view[1] - view[0]) / unit) > 4 ? 1 : 0));
  C.lanes.forEach(function (lane, h) {
    var g = sv('g', {'class': 'lane', 'data-host': lane.host, transform: 'translate(0,' + y + ')'});
    var hostTotal = 0;
    Object.keys(buckets).forEach(function (k) { if (buckets[k].host === h) hostTotal += buckets[k].total; });
    var label = sv('text', {x: 6, y: 13, 'class': 'lane-label'});
    label.textContent = lane.host + ' — ' + plural(hostTotal, 'finding') + ' in view';
    g.appendChild(label);
    var top = 18;
    C.spans.forEach(function (s) {
      if (s.host !== lane.host) return;
      var a = ms(s.first), b = ms(s.last);
      if (a === null || b === null || b < view[0] || a > view[1]) return;
      var x0 = clampX(a), x1 = Math.max(clampX(b), x0 + 3);
      var r = sv('rect', {x: x0, y: top, width: x1 - x0, height: barH + 6 + lane.sources.length * (stripH + 5), 'class': 'span-' + s.kind, 'data-span': s.kind});
      var title = sv('title'); title.textContent = s.label + ': ' + s.kind + ', ' + when(s.first) + ' → ' + when(s.last) + ' UTC';
      r.appendChild(title); g.appendChild(r);
    });
    Object.keys(buckets).sort().forEach(function (k) {
      var bucket = buckets[k];
      if (bucket.host !== h) return;
      var bx = x(bucket.start), x0 = Math.max(left, bx), x1 = Math.min(left + plot, bx + bw), acc = 0;
      if (x1 <= x0) x1 = x0 + 1;
      var label = lane.host + ', ' + when(new Date(bucket.start).toISOString()).slice(0, unit === DAY ? 10 : 16) + ' UTC: ' + plural(bucket.total, 'finding');
      var bar = sv('g', {'class': 'bar', tabindex: 0, role: 'button', 'data-host': lane.host, 'data-start': bucket.start, 'data-end': bucket.start + step,
        'data-count': bucket.total, 'aria-label': label + '. Enter filters the tables.'});
      var hit = sv('rect', {'class': 'hit', x: x0, y: top, width: x1 - x0, height: barH});
      bar.appendChild(hit);
      var tip = [];
      Object.keys(bucket.parts).map(Number).sort(function (a, b) { return a - b; }).forEach(function (t) {
        var n = bucket.parts[t], hgt = Math.max(1, n / maxTotal * barH);
        var r = sv('rect', {x: x0, y: top + barH - acc - hgt, width: x1 - x0, height: hgt, 'class': tacticClass(t), 'data-tactic': TACTIC_NAMES[t], 'data-count': n});
        acc += hgt; bar.appendChild(r);
        tip.push(TACTIC_NAMES[t] + ': ' + num(n));
      });
      var title = sv('title'); title.textContent = label + '\n' + tip.join('\n');
      bar.appendChild(title);
      bar.addEventListener('click', function (e) {
        if (dragged) return;
        var tactic = e.target && e.target.getAttribute && e.target.getAttribute('data-tactic');
        setFilter({host: lane.host, from: bucket.start, to: bucket.start + step, tactic: tactic || null,
          count: tactic ? bucket.parts[TACTIC_NAMES.indexOf(tactic)] : bucket.total});
      });
      bar.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setFilter({host: lane.host, from: bucket.start, to: bucket.start + step, tactic: null, count: bucket.total}); }
      });
      g.appendChild(bar);
      bars++; drawnEvents += bucket.total;
    });
    var base = sv('line', {x1: left, x2: left + plot, y1: top + barH + 0.5, y2: top + barH + 0.5, stroke: '#d0d7de'});
    g.appendChild(base);
    lane.sources.forEach(function (s, i) {
      var sy = top + barH + 6 + i * (stripH + 5);
      var a = ms(s.first), b = ms(s.last);
      var covered = [];
      if (a !== null && b !== null) {
        var cursor = a;
        s.gaps.forEach(function (gp) { covered.push([cursor, ms(gp[0])]); cursor = ms(gp[1]); });
        covered.push([cursor, b]);
      }
      covered.forEach(function (c) {
        if (c[1] < view[0] || c[0] > view[1]) return;
        var x0 = clampX(c[0]), x1 = Math.max(clampX(c[1]), x0 + 1);
        var r = sv('rect', {x: x0, y: sy, width: x1 - x0, height: stripH, 'class': 'cov', 'data-source': s.name});
        var t = sv('title'); t.textContent = lane.host + ' ' + s.name + ': lines from ' + when(new Date(c[0]).toISOString()) + ' to ' + when(new Date(c[1]).toISOString()) + ' UTC';
        r.appendChild(t); g.appendChild(r);
      });
      s.gaps.forEach(function (gp) {
        var ga = ms(gp[0]), gb = ms(gp[1]);
        if (gb < view[0] || ga > view[1]) return;
        var x0 = clampX(ga), x1 = Math.max(clampX(gb), x0 + 2);
        var r = sv('rect', {x: x0, y: sy - 1, width: x1 - x0, height: stripH + 2, 'class': 'gap', 'data-gap': s.name});
        var t = sv('title'); t.textContent = lane.host + ' ' + s.name + ': no line from ' + when(gp[0]) + ' to ' + when(gp[1]) + ' UTC';
        r.appendChild(t); g.appendChild(r);
      });
      var sl = sv('text', {x: left - 4, y: sy + stripH, 'text-anchor': 'end', 'class': 'source-label'});
      sl.textContent = s.name;
      g.appendChild(sl);
    });
    svg.appendChild(g);
    y += laneHeights[h];
  });
  // Time axis.
  var axis = sv('g', {'class': 'axis', transform: 'translate(0,' + y + ')'});
  var span = view[1] - view[0], steps = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
  var tick = steps.filter(function (s) { return span / s <= Math.max(2, plot / 110); })[0] || 365 * DAY;
  for (var t = Math.ceil(view[0] / tick) * tick; t <= view[1]; t += tick) {
    var tx = x(t);
    axis.appendChild(sv('line', {x1: tx, x2: tx, y1: -y, y2: 4}));
    var text = sv('text', {x: tx + 2, y: 16});
    var iso = when(new Date(t).toISOString());
    text.textContent = tick >= DAY ? iso.slice(0, 10) : iso.slice(5, 16);
    axis.appendChild(text);
  }
  svg.insertBefore(axis, svg.firstChild.nextSibling);
  var selection = sv('rect', {'class': 'selection', x: 0, y: 0, width: 0, height: y, visibility: 'hidden'});
  svg.appendChild(selection);
  // Zoom by dragging.
  var downX = null;
  function svgX(e) { var box = svg.getBoundingClientRect(); return (e.clientX - box.left) * (width / box.width); }
  svg.addEventListener('pointerdown', function (e) { if (e.button !== 0) return; downX = svgX(e); dragged = false; });
  svg.addEventListener('pointermove', function (e) {
    if (downX === null) return;
    var cx = svgX(e);
    if (Math.abs(cx - downX) > 4) dragged = true;
    if (!dragged) return;
    selection.setAttribute('visibility', 'visible');
    selection.setAttribute('x', Math.min(cx, downX)); selection.setAttribute('width', Math.abs(cx - downX));
  });
  function finish(e) {
    if (downX === null) return;
    var cx = svgX(e), from = downX; downX = null;
    if (!dragged) return;
    var t0 = view[0] + (Math.min(cx, from) - left) / plot * (view[1] - view[0]);
    var t1 = view[0] + (Math.max(cx, from) - left) / plot * (view[1] - view[0]);
    t0 = Math.max(fullRange[0], Math.floor(t0 / HOUR) * HOUR); t1 = Math.min(fullRange[1], Math.ceil(t1 / HOUR) * HOUR);
    if (t1 - t0 >= HOUR) view = [t0, t1];
    drawChart();
    setTimeout(function () { dragged = false; }, 0);
  }
  svg.addEventListener('pointerup', finish);
  svg.addEventListener('pointerleave', function (e) { if (downX !== null && dragged) finish(e); else downX = null; });
  chartBox.appendChild(svg);
  rangeText.textContent = 'Showing ' + when(new Date(view[0]).toISOString()).slice(0, 16) + ' to ' + when(new Date(view[1]).toISOString()).slice(0, 16) + ' UTC, ' + plural(inView, 'finding') + ', per ' + (unit === DAY ? 'day' : 'hour') + '.';
  drawLegend(totals);
  rendered.chart = {hosts: C.lanes.length, bars: bars, events: drawnEvents, unit: unit === DAY ? 'day' : 'hour',
    spans: svg.querySelectorAll('[data-span]').length, gaps: svg.querySelectorAll('[data-gap]').length};
  svg.setAttribute('data-bars', bars); svg.setAttribute('data-events', drawnEvents);
}
var dragged = false;
drawChart();
rendered.chartMs = Math.round(performance.now() - started);

// ---- tables --------------------------------------------------------------------------------------
var tableState = {};
var tablesBox = document.getElementById('tables');
function cellText(type, v) {
  if (v === null || v === undefined) return '';
  if (type === 'num') return num(v);
  if (type === 'bytes') return bytes(v);
  if (type === 'time') return when(v);
  return String(v);
}
function rowMatches(t, row, st) {
  if (st.text && haystack(t)[row.index].indexOf(st.text) < 0) return false;
  if (filter) {
    if (t.hostColumn !== undefined && t.hostColumn !== null) {
      var hosts = String(row.cells[t.hostColumn] || '(no host)').split(', ');
      if (hosts.indexOf(filter.host) < 0) return false;
    }
    if (t.fromColumn !== undefined && t.fromColumn !== null) {
      var a = ms(row.cells[t.fromColumn]), b = ms(row.cells[t.toColumn]);
      if (a === null && b === null) return false;
      if (a === null) a = b; if (b === null) b = a;
      if (b < filter.from || a >= filter.to) return false;
    }
    if (filter.tactic && t.tacticColumn !== undefined && t.tacticColumn !== null && row.cells[t.tacticColumn] !== filter.tactic) return false;
  }
  return true;
}
function haystack(t) {
  var st = tableState[t.id];
  if (!st.haystack) st.haystack = t.rows.map(function (cells) { return cells.map(function (v, i) { return cellText(t.columns[i].type, v); }).join('\u0001').toLowerCase(); });
  return st.haystack;
}
function filtered(t) { return (t.hostColumn !== undefined && t.hostColumn !== null) || (t.fromColumn !== undefined && t.fromColumn !== null); }
function renderRows(t) {
  var st = tableState[t.id];
  var rows = st.rows.filter(function (r) { return rowMatches(t, r, st); });
  if (st.sort !== null) {
    var c = st.sort, type = t.columns[c].type, dir = st.desc ? -1 : 1;
    rows.sort(function (a, b) {
      var x = a.cells[c], y = b.cells[c];
      if (x === null || x === '') return (y === null || y === '') ? a.index - b.index : 1;
      if (y === null || y === '') return -1;
      var d = (type === 'num' || type === 'bytes') ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return d !== 0 ? d * dir : a.index - b.index;
    });
  }
  var body = document.createElement('tbody'), frag = document.createDocumentFragment();
  rows.forEach(function (r) {
    var tr = document.createElement('tr');
    if (t.anchors[r.index]) tr.id = t.anchors[r.index];
    t.columns.forEach(function (col, i) {
      var v = r.cells[i], td = document.createElement('td');
      td.className = col.type + (col.type === 'level' && v ? ' level-' + v : '');
      if (v !== null && v !== undefined && (col.type === 'num' || col.type === 'bytes' || col.type === 'time')) td.setAttribute('data-v', v);
      if (t.id === 'rules' && col.key === 'rule') {
        var a = el('a', {href: '#sec-findings', 'class': 'rule-filter', 'data-rule': r.cells[t.columns.length - 1], title: 'Show this rule\u2019s findings'}, cellText(col.type, v));
        td.appendChild(a);
      } else {
        td.textContent = cellText(col.type, v);
      }
      tr.appendChild(td);
    });
    frag.appendChild(tr);
  });
  body.appendChild(frag);
  st.table.replaceChild(body, st.table.tBodies[0]);
  st.count.textContent = 'Showing ' + num(rows.length) + ' of ' + num(t.rows.length) + ' rows' + (t.total > t.rows.length ? ' on this page (' + num(t.total) + ' in the report)' : '') + '.';
  st.table.setAttribute('data-shown', rows.length);
  return rows.length;
}
D.tables.forEach(function (t) {
  var section = el('section', {id: 'sec-' + t.id, 'class': 'table-section', 'aria-labelledby': 'title-' + t.id});
  add(section, el('h2', {id: 'title-' + t.id}, t.title + ' (' + num(t.total) + ')'));
  add(section, el('p', {'class': 'intro'}, t.intro));
  if (t.total > t.rows.length) add(section, el('p', {'class': 'capped', 'data-not-shown': t.total - t.rows.length},
    num(t.total - t.rows.length) + ' more not shown (' + num(t.rows.length) + ' of ' + num(t.total) + ' here): see the JSON report.'));
  var input = el('input', {type: 'search', 'aria-label': 'Filter ' + t.title, placeholder: 'Filter rows…', id: 'filter-' + t.id});
  var count = el('span', {'class': 'count', 'aria-live': 'polite'});
  add(section, el('div', {'class': 'table-tools'}, [el('label', null, [input]), count]));
  var table = el('table', {'data-table': t.id, 'data-total': t.total, 'data-embedded': t.rows.length});
  add(table, el('caption', {'class': 'skip'}, t.title));
  var head = el('tr');
  var st = {rows: t.rows.map(function (cells, i) { return {cells: cells, index: i}; }), sort: null, desc: false, text: '', table: table, count: count, input: input};
  tableState[t.id] = st;
  t.columns.forEach(function (col, i) {
    var th = el('th', {scope: 'col', 'data-key': col.key});
    var button = el('button', {type: 'button', title: 'Sort by ' + col.label}, col.label);
    button.addEventListener('click', function () {
      if (st.sort === i) st.desc = !st.desc; else { st.sort = i; st.desc = col.type === 'num' || col.type === 'bytes'; }
      Array.prototype.forEach.call(head.children, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', st.desc ? 'descending' : 'ascending');
      renderRows(t);
    });
    add(th, button); add(head, th);
  });
  add(table, [el('thead', null, head), el('tbody')]);
  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { st.text = input.value.trim().toLowerCase(); renderRows(t); }, 120);
  });
  add(section, el('div', {'class': 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t.title}, table));
  add(tablesBox, section);
  rendered.tables[t.id] = {total: t.total, embedded: t.rows.length, shown: renderRows(t)};
});

// ---- filters from the chart and from links ------------------------------------------------------------
var banner = document.getElementById('filter-banner');
function setFilter(f) {
  filter = f;
  banner.textContent = '';
  if (f) {
    add(banner, ['Tables filtered by the chart: ', el('strong', null, f.host), ', ' + when(new Date(f.from).toISOString()).slice(0, 16) + ' to ' +
      when(new Date(f.to).toISOString()).slice(0, 16) + ' UTC' + (f.tactic ? ', findings of tactic ' + f.tactic : '') + '. ']);
    D.tables.forEach(function (t) { if (filtered(t)) renderRows(t); });
    var findingsTable = D.tables.filter(function (t) { return t.id === 'findings'; })[0];
    if (findingsTable && findingsTable.total > findingsTable.rows.length && f.count !== undefined) {
      var held = tableState.findings.table.getAttribute('data-shown');
      add(banner, plural(f.count, 'finding') + ' in this period' + (f.tactic ? ' and tactic' : '') + ', ' + num(held) +
        ' of them among the ' + num(findingsTable.rows.length) + ' finding rows this page holds (the JSON report has them all). ');
    }
    var clear = el('button', {type: 'button', id: 'clear-filter'}, 'Show all rows');
    clear.addEventListener('click', function () { setFilter(null); });
    add(banner, clear);
    banner.hidden = false;
  } else {
    banner.hidden = true;
    D.tables.forEach(function (t) { if (filtered(t)) renderRows(t); });
  }
  if (f) document.getElementById('sec-findings').scrollIntoView({block: 'start'});
}
function reveal(id) {
  var row = document.getElementById(id);
  if (!row || !row.closest) {
    // Hidden by a filter: clear the filters of its table and the chart's.
    D.tables.forEach(function (t) {
      if (t.anchors.indexOf(id) >= 0) { var st = tableState[t.id]; st.text = ''; st.input.value = ''; }
    });
    if (filter) setFilter(null); else D.tables.forEach(renderRows);
    row = document.getElementById(id);
  }
  if (!row) return;
  row.scrollIntoView({block: 'center'});
  row.classList.add('flash');
  setTimeout(function () { row.classList.remove('flash'); }, 2500);
}
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a');
  if (!a) return;
  if (a.classList.contains('ref')) {
    e.preventDefault();
    var id = a.getAttribute('href').slice(1);
    history.replaceState(null, '', '#' + id);
    reveal(id);
  } else if (a.classList.contains('rule-filter')) {
    e.preventDefault();
    var st = tableState.findings;
    st.input.value = a.getAttribute('data-rule'); st.text = st.input.value.toLowerCase();
    renderRows(D.tables.filter(function (t) { return t.id === 'findings'; })[0]);
    document.getElementById('sec-findings').scrollIntoView({block: 'start'});
  }
});

// ---- provenance ----------------------------------------------------------------------------------
var P = D.provenance, foot = document.getElementById('provenance');
function listOf(items, empty) { return items.length ? el('ul', null, items.map(function (t) { return el('li', null, t); })) : empty; }
add(foot, el('h2', {id: 'provenance-title'}, 'Provenance'));
add(foot, el('dl', null, [
  el('dt', null, 'Tool'), el('dd', {'data-field': 'version'}, P.tool + ' ' + P.version + ' (report ' + P.schema + ')'),
  el('dt', null, 'Rule set'), el('dd', {'data-field': 'rules'}, [plural(P.ruleCount, 'rule') + ', SHA-256 ', el('code', {'data-field': 'rules-sha256'}, P.ruleSetSHA256),
    ', at most ' + num(P.findingsCap) + ' findings kept per rule']),
  el('dt', null, 'Command line'), el('dd', null, el('code', {'data-field': 'argv'}, P.commandLine)),
  el('dt', null, 'Run'), el('dd', null, 'started ' + when(P.runStart) + ' UTC, ' + P.durationSeconds + ' s, ' + plural(P.jobs, 'worker thread')),
  el('dt', null, 'Scan'), el('dd', {'data-field': 'complete'}, P.complete ? 'complete' : 'incomplete'),
  el('dt', null, 'Time and zone'), el('dd', null, listOf(P.timeSources.concat(P.warnings), 'All stamps carried their year and zone.')),
  el('dt', null, 'Could not be read'), el('dd', {'data-field': 'unreadable'}, listOf(P.unreadable.concat(P.engineErrors).concat(P.problems), 'Nothing: every file was read to its end and every rule ran on every line.')),
  el('dt', null, 'Method'), el('dd', null, listOf(P.method, '—')),
  el('dt', null, 'This page'), el('dd', null, P.pageLimits + ' Drawn offline: no request leaves this file.')]));

// ---- say what was drawn -----------------------------------------------------------------------------
var resizeTimer = null;
window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawChart, 150); });
if (location.hash && location.hash.length > 1) { try { reveal(decodeURIComponent(location.hash.slice(1))); } catch (e) {} }
rendered.ms = Math.round(performance.now() - started);
rendered.sinceNavigation = Math.round(performance.now());
document.documentElement.setAttribute('data-spoor-render', JSON.stringify(rendered));
})();

"""#
}
