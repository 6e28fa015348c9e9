// Test driver for scripts/test-html: appended (with the page's CSP removed) to a copy of the samples'
// page, after the page's own script. It uses the page as a person would — a bar chosen with the
// keyboard, a tactic segment clicked, the filter cleared, a column sorted, a search typed, the chart
// zoomed by dragging, a reason's link followed — and writes what it saw to <html data-interactions>.
(function () {
  'use strict';
  var out = {};
  function rows(id) { return document.querySelectorAll('table[data-table="' + id + '"] tbody tr'); }
  var bars = Array.prototype.slice.call(document.querySelectorAll('#chart g.bar'));
  bars.sort(function (a, b) { return b.getAttribute('data-count') - a.getAttribute('data-count'); });
  // The largest bar whose findings are among the rows the page holds (a large scan's page holds 2,000).
  var bar = null;
  for (var i = 0; i < bars.length && i < 40; i++) {
    bars[i].dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    if (rows('findings').length > 0) { bar = bars[i]; break; }
  }
  out.bar = {host: bar.getAttribute('data-host'), start: +bar.getAttribute('data-start'), end: +bar.getAttribute('data-end'), count: +bar.getAttribute('data-count')};
  out.bannerText = document.getElementById('filter-banner').textContent;
  out.bannerShown = !document.getElementById('filter-banner').hidden;
  out.findingsAfterBar = rows('findings').length;
  out.findingHostsAfterBar = Array.prototype.map.call(rows('findings'), function (tr) { return tr.children[1].textContent; })
    .filter(function (h, i, all) { return all.indexOf(h) === i; });
  out.sessionsAfterBar = rows('sessions').length;
  var segment = bar.querySelector('rect[data-tactic]');
  out.tactic = segment.getAttribute('data-tactic');
  segment.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.findingsAfterTactic = rows('findings').length;
  document.getElementById('clear-filter').click();
  out.bannerAfterClear = !document.getElementById('filter-banner').hidden;
  out.findingsAfterClear = rows('findings').length;
  document.querySelector('table[data-table="sources"] th[data-key="failed"] button').click();
  var failedIndex = Array.prototype.map.call(document.querySelectorAll('table[data-table="sources"] th'), function (th) { return th.getAttribute('data-key'); }).indexOf('failed');
  out.sourcesSortedFailed = Array.prototype.slice.call(rows('sources'), 0, 5).map(function (tr) { return +tr.children[failedIndex].getAttribute('data-v'); });
  out.sortAttribute = document.querySelector('table[data-table="sources"] th[data-key="failed"]').getAttribute('aria-sort');
  var input = document.getElementById('filter-sources');
  input.value = '203.0.113.77';
  input.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () {
    out.sourcesAfterSearch = Array.prototype.map.call(rows('sources'), function (tr) { return tr.children[0].textContent; });
    var svg = document.querySelector('#chart svg'), box = svg.getBoundingClientRect();
    out.eventsBeforeZoom = +svg.getAttribute('data-events');
    out.rangeBeforeZoom = document.getElementById('chart-range').textContent;
    function pointer(type, fraction) {
      svg.dispatchEvent(new PointerEvent(type, {clientX: box.left + box.width * fraction, clientY: box.top + 40, button: 0, bubbles: true}));
    }
    pointer('pointerdown', 0.80); pointer('pointermove', 0.85); pointer('pointermove', 0.95); pointer('pointerup', 0.95);
    var zoomed = document.querySelector('#chart svg');
    out.eventsAfterZoom = +zoomed.getAttribute('data-events');
    out.rangeAfterZoom = document.getElementById('chart-range').textContent;
    document.getElementById('zoom-reset').click();
    out.eventsAfterReset = +document.querySelector('#chart svg').getAttribute('data-events');
    var link = document.querySelector('#cards a.ref[data-finding]');
    out.linkFinding = link.getAttribute('data-finding');
    link.click();
    var target = document.getElementById('f-' + out.linkFinding);
    out.linkHash = location.hash;
    out.linkTargetFlashed = !!target && target.classList.contains('flash');
    document.documentElement.setAttribute('data-interactions', JSON.stringify(out));
  }, 400);
})();
