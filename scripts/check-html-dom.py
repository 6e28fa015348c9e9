#!/usr/bin/env python3
"""Checks the HTML report as headless Chromium drew it (the DOM after its script ran) against the JSON
report it came from. Called by scripts/test-html with its work folder; exits 1 on the first failed
check list, printing every failure."""
import datetime
import json
import os
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ROWS_PER_TABLE = 2000
TACTICS = ["reconnaissance", "resource-development", "initial-access", "execution", "persistence", "privilege-escalation", "defense-evasion",
           "credential-access", "discovery", "lateral-movement", "collection", "command-and-control", "exfiltration", "impact"]
SECRETS = ["Winter2024!", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.texts = tag, dict(attrs), parent, [], []

    def text(self):
        return "".join(self._walk_text())

    def _walk_text(self):
        # Text in document order: texts are stored interleaved as strings or child nodes.
        for item in self.items:
            if isinstance(item, str):
                yield item
            else:
                yield from item._walk_text()

    def all(self, predicate):
        for child in self.children:
            if predicate(child):
                yield child
            yield from child.all(predicate)

    def classes(self):
        return (self.attrs.get("class") or "").split()


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.root.items = []
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        node.items = []
        self.current.children.append(node)
        self.current.items.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        node.items = []
        self.current.children.append(node)
        self.current.items.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.texts.append(data)
        self.current.items.append(data)


def parse(path):
    builder = Builder()
    with open(path, encoding="utf-8") as handle:
        builder.feed(handle.read())
    return builder.root


def tables(dom):
    """{id: (keys, rows)}: each row a list of (text, data-v)."""
    result = {}
    for table in dom.all(lambda n: n.tag == "table" and "data-table" in n.attrs):
        keys = [th.attrs.get("data-key") for th in table.all(lambda n: n.tag == "th")]
        body = next(table.all(lambda n: n.tag == "tbody"))
        rows = [[(td.text(), td.attrs.get("data-v")) for td in tr.children if td.tag == "td"] for tr in body.children if tr.tag == "tr"]
        result[table.attrs["data-table"]] = (keys, rows, table.attrs)
    return result


def column_sum(table, key):
    keys, rows, _ = table
    index = keys.index(key)
    return sum(int(row[index][1]) for row in rows if row[index][1] not in (None, ""))


def urls(netlog_path):
    """Every URL and host a NetLog names, apart from the resolver's ~NOTFOUND mapping and local files."""
    found = set()
    with open(netlog_path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if not text.rstrip().endswith("}"):
        text = text.rstrip().rstrip(",") + "]}"  # a NetLog cut short by the browser's exit
    data = json.loads(text)

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("url", "original_url", "host") and isinstance(item, str):
                    if not item.startswith(("file:", "data:", "about:", "chrome:")) and "~notfound" not in item:
                        found.add(item.split("?")[0])
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(data.get("events", []))
    return found


def main():
    work, big_ms, blank_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    report = json.load(open(os.path.join(work, "report.json")))
    dom = parse(os.path.join(work, "samples.dom.html"))
    html_root = next(dom.all(lambda n: n.tag == "html"))
    rendered = json.loads(html_root.attrs.get("data-spoor-render") or "null")
    check(rendered is not None, "the page's script did not finish (no data-spoor-render)")

    # Verdict cards.
    verdicts = report["exposure"]["verdicts"]
    cards = list(dom.all(lambda n: n.tag == "article" and "card" in n.classes()))
    check(len(cards) == len(verdicts) and len(cards) > 0, f"{len(cards)} verdict cards for {len(verdicts)} verdicts")
    expected = sorted((v["subject"]["kind"], v["subject"]["name"], v["subject"]["host"], v["verdict"], v["confidence"],
                       (v["window"]["first"] + "/" + v["window"]["last"]) if v.get("window") else "", len(v["reasons"])) for v in verdicts)
    drawn = sorted((c.attrs["data-kind"], c.attrs["data-name"], c.attrs["data-host"], c.attrs["data-verdict"], c.attrs["data-confidence"],
                    c.attrs.get("data-window") or "", len(list(c.all(lambda n: n.tag == "li" and "reason" in n.classes())))) for c in cards)
    check(drawn == expected, f"verdict cards differ from the report:\n  drawn    {drawn}\n  expected {expected}")
    finding_ids = {f["id"] for f in report["findings"]}
    for card in cards:
        for link in card.all(lambda n: n.tag == "a" and "data-finding" in n.attrs):
            target = link.attrs["href"][1:]
            check(next(dom.all(lambda n, t=target: n.attrs.get("id") == t), None) is not None, f"reason link {link.attrs['href']} has no target row")
            check(link.attrs["data-finding"] in finding_ids, f"reason link to unknown finding {link.attrs['data-finding']}")
        for link in card.all(lambda n: n.tag == "a" and "data-evidence" in n.attrs):
            target = link.attrs["href"][1:]
            check(next(dom.all(lambda n, t=target: n.attrs.get("id") == t), None) is not None, f"evidence link {link.attrs['href']} has no target row")

    # The chart: one lane per host, every dated finding in a bar, the exposure windows shaded.
    svg = next(dom.all(lambda n: n.tag == "svg" and "data-bars" in n.attrs), None)
    check(svg is not None, "no chart")
    if svg is not None:
        dated = sum(1 for f in report["findings"] if (f.get("time") or {}).get("utc"))
        bars = list(svg.all(lambda n: n.tag == "g" and "bar" in n.classes()))
        check(len(bars) > 0 and sum(int(b.attrs["data-count"]) for b in bars) == dated, f"chart bars count {sum(int(b.attrs['data-count']) for b in bars)} findings, the report has {dated} dated")
        lanes = list(svg.all(lambda n: n.tag == "g" and "lane" in n.classes()))
        hosts = sorted({h["name"] for h in report["entities"]["hosts"]} | {c["host"] for c in report["coverage"]} |
                       {f["fields"].get("host", "(no host)") for f in report["findings"] if (f.get("time") or {}).get("utc")})
        check(sorted(l.attrs["data-host"] for l in lanes) == hosts, f"chart lanes {[l.attrs['data-host'] for l in lanes]} for hosts {hosts}")
        spans = [v for v in verdicts if v.get("window") and v["verdict"] in ("confirmed", "likely", "possible", "cannot-assess")]
        check(len(list(svg.all(lambda n: "data-span" in n.attrs))) == len(spans), "exposure windows not all shaded")
        gaps = sum(len(c["gaps"]) for c in report["coverage"])
        check(len(list(svg.all(lambda n: "data-gap" in n.attrs))) == gaps, f"coverage gaps drawn differ from the report's {gaps}")

    # Tables: rows and sums equal to the report's.
    t = tables(dom)
    for name in ["cited", "rules", "findings", "timeline", "accounts", "sources", "sessions", "sensitive", "coverage", "evidence"]:
        check(name in t, f"table {name} missing")
    if not failures:
        cited_ids = {i for v in verdicts for r in v["reasons"] for i in r["finding_ids"]} | {e["finding_id"] for e in report["timeline"] if e.get("finding_id")}
        shown = sum(1 for i, f in enumerate(report["findings"]) if i < ROWS_PER_TABLE or f["id"] in cited_ids)
        check(len(t["findings"][1]) == shown, f"findings rows {len(t['findings'][1])}, expected {shown}")
        check(t["findings"][2].get("data-total") == str(len(report["findings"])), "findings total")
        stats = [s for s in report["rules"]["statistics"] if s["matches"] > 0 or s["reported"] > 0 or s["engine_errors"] > 0]
        check(len(t["rules"][1]) == len(stats), "rules rows")
        check(column_sum(t["rules"], "matches") == sum(s["matches"] for s in stats), "rules: events matched")
        check(column_sum(t["rules"], "kept") == len(report["findings"]), "rules: findings kept")
        accounts, sources, sessions = report["entities"]["accounts"], report["entities"]["sources"], report["sessions"]
        check(len(t["accounts"][1]) == min(len(accounts), ROWS_PER_TABLE), "accounts rows")
        check(column_sum(t["accounts"], "failed") == sum(a["failed_logins"] for a in accounts), "accounts: failed logins")
        check(column_sum(t["accounts"], "successful") == sum(a["successful_logins"] for a in accounts), "accounts: successful logins")
        check(len(t["sources"][1]) == min(len(sources), ROWS_PER_TABLE), "sources rows")
        check(column_sum(t["sources"], "failed") == sum(s["failed_logins"] for s in sources), "sources: failed logins")
        check(column_sum(t["sources"], "successful") == sum(s["successful_logins"] for s in sources), "sources: successful logins")
        check(column_sum(t["sources"], "read") == sum(s["bytes_read"] for s in sources), "sources: bytes read")
        check(column_sum(t["sources"], "written") == sum(s["bytes_written"] for s in sources), "sources: bytes written")
        check(len(t["sessions"][1]) == min(len(sessions), ROWS_PER_TABLE), "sessions rows")
        check(column_sum(t["sessions"], "read") == sum(s["bytes_read"] for s in sessions), "sessions: bytes read")
        check(column_sum(t["sessions"], "commands") == sum(s["commands_total"] for s in sessions), "sessions: commands")
        check(len(t["sensitive"][1]) == len(report["sensitive_data"]), "sensitive data rows")
        check(column_sum(t["sensitive"], "count") == sum(s["count"] for s in report["sensitive_data"]), "sensitive data: counts")
        keys, rows, _ = t["evidence"]
        check([r[keys.index("sha256")][0] for r in rows] == [e.get("sha256", "") for e in report["evidence"]], "evidence files: hashes")
        check([r[keys.index("status")][0] for r in rows] == [e["status"] for e in report["evidence"]], "evidence files: status")
        check(len(t["timeline"][1]) == len(report["timeline"]), "timeline rows")
        check(len(t["coverage"][1]) == len(report["coverage"]), "coverage rows")
        cited = {(e["path"], e["line"], e["offset"]) for v in verdicts for r in v["reasons"] for e in r["evidence"]}
        check(len(t["cited"][1]) == len(cited), "cited evidence rows")

    # Provenance.
    sha = next(dom.all(lambda n: n.attrs.get("data-field") == "rules-sha256"), None)
    check(sha is not None and sha.text() == report["rules"]["sha256"], "provenance: rule-set hash")
    version = next(dom.all(lambda n: n.attrs.get("data-field") == "version"), None)
    check(version is not None and report["tool"]["version"] in version.text(), "provenance: tool version")
    argv = next(dom.all(lambda n: n.attrs.get("data-field") == "argv"), None)
    check(argv is not None and "samples/var/log" in argv.text(), "provenance: command line")

    # Secrets: neither in the file nor in the page as drawn.
    for name in ["report.html", "samples.dom.html", "scan.html"]:
        text = open(os.path.join(work, name), encoding="utf-8").read()
        for secret in SECRETS:
            check(secret not in text, f"{name} shows the secret {secret}")

    # The page straight from spoor scan draws the same cards.
    scan_cards = list(parse(os.path.join(work, "scan.dom.html")).all(lambda n: n.tag == "article" and "card" in n.classes()))
    check(len(scan_cards) == len(verdicts), "spoor scan --format html: cards")

    # Hostile evidence stays text.
    hostile = parse(os.path.join(work, "hostile.dom.html"))
    title = next(hostile.all(lambda n: n.tag == "title"))
    check(title.text() == "Spoor incident report", f"hostile evidence ran as script: the title is {title.text()!r}")
    check(next(hostile.all(lambda n: n.tag == "img"), None) is None, "hostile evidence made an <img> element")
    check(next(hostile.all(lambda n: n.attrs.get("id") == "injected"), None) is None, "a hostile rule title made a <b> element")
    hostile_report = json.load(open(os.path.join(work, "hostile.json")))
    line = hostile_report["findings"][0]["evidence"][0]["text"]
    cells = [td.text() for td in hostile.all(lambda n: n.tag == "td")]
    check(line in cells, "the hostile line is not shown as text")
    check('<b id="injected">bold</b> title' in cells, "the hostile rule title is not shown as text")
    check(json.loads(next(hostile.all(lambda n: n.tag == "html")).attrs.get("data-spoor-render") or "null") is not None, "the hostile page did not finish drawing")

    # The page in use: keyboard and mouse on the chart, clearing, sorting, searching, zooming, links.
    interact_root = next(parse(os.path.join(work, "interact.dom.html")).all(lambda n: n.tag == "html"))
    used = json.loads(interact_root.attrs.get("data-interactions") or "null")
    check(used is not None, "the interaction driver did not finish")
    if used:
        bar = used["bar"]
        cited_ids = {i for v in verdicts for r in v["reasons"] for i in r["finding_ids"]} | {e["finding_id"] for e in report["timeline"] if e.get("finding_id")}
        embedded = [f for i, f in enumerate(report["findings"]) if i < ROWS_PER_TABLE or f["id"] in cited_ids]

        def in_bar(f, tactic=None):
            utc = (f.get("time") or {}).get("utc")
            if not utc or f["fields"].get("host") != bar["host"]:
                return False
            t = datetime.datetime.strptime(utc[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp() * 1000
            if not (bar["start"] <= t < bar["end"]):
                return False
            if tactic is None:
                return True
            tags = [tag[7:].replace("_", "-") for tag in f["rule"]["tags"] if tag.startswith("attack.")]
            return next((tag for tag in tags if tag in TACTICS), "other") == tactic
        expected_bar = sum(1 for f in embedded if in_bar(f))
        check(used["bannerShown"], "choosing a bar with Enter shows no filter banner")
        if len(embedded) < len(report["findings"]):
            check(f"{bar['count']} findings in this period" in used["bannerText"] and "of them among the" in used["bannerText"],
                  f"the banner does not say how many of the bar's findings the capped page holds: {used['bannerText']!r}")
        check(used["findingsAfterBar"] == expected_bar and expected_bar > 0, f"after choosing the bar {bar}: {used['findingsAfterBar']} finding rows, expected {expected_bar}")
        check(used["findingHostsAfterBar"] == [bar["host"]], f"after choosing a bar the findings show hosts {used['findingHostsAfterBar']}")
        expected_tactic = sum(1 for f in embedded if in_bar(f, used["tactic"]))
        check(used["findingsAfterTactic"] == expected_tactic, f"after clicking the {used['tactic']} segment: {used['findingsAfterTactic']} rows, expected {expected_tactic}")
        check(not used["bannerAfterClear"] and used["findingsAfterClear"] == len(embedded), "clearing the chart's filter does not bring every row back")
        failed = sorted((s["failed_logins"] for s in report["entities"]["sources"]), reverse=True)[:5]
        check(used["sourcesSortedFailed"] == failed and used["sortAttribute"] == "descending", f"sources sorted by failed logins: {used['sourcesSortedFailed']}, expected {failed}")
        check("203.0.113.77" in used["sourcesAfterSearch"] and len(used["sourcesAfterSearch"]) < len(report["entities"]["sources"]),
              f"searching sources for 203.0.113.77 left {used['sourcesAfterSearch'][:5]}")
        check(used["rangeAfterZoom"] != used["rangeBeforeZoom"] and used["eventsAfterZoom"] < used["eventsBeforeZoom"], f"dragging did not zoom: {used['rangeBeforeZoom']} -> {used['rangeAfterZoom']}")
        check(used["eventsAfterReset"] == used["eventsBeforeZoom"], "'Show everything' did not undo the zoom")
        check(used["linkHash"] == "#f-" + used["linkFinding"] and used["linkTargetFlashed"], "following a reason's finding link did not reach and mark its row")

    # No network request beyond what Chromium makes by itself on a blank page.
    baseline = urls(os.path.join(work, "blank.net.json"))
    for name in ["samples", "scan", "hostile", "big"]:
        extra = urls(os.path.join(work, name + ".net.json")) - baseline
        check(not extra, f"the {name} page made network requests: {sorted(extra)}")

    # A report as large as a 1 GB scan's.
    size = os.path.getsize(os.path.join(work, "big.html"))
    big_json = os.path.getsize(os.path.join(work, "big.json"))
    check(size < 10_000_000, f"the large report's page is {size} bytes, not under 10 MB")
    big = parse(os.path.join(work, "big.dom.html"))
    big_render = json.loads(next(big.all(lambda n: n.tag == "html")).attrs.get("data-spoor-render") or "null")
    check(big_render is not None, "the large page did not finish drawing")
    if big_render:
        check(big_render["tables"]["findings"]["total"] == 120_000, "large page: findings total")
        check(big_render["tables"]["findings"]["shown"] <= ROWS_PER_TABLE + 50, "large page: findings capped")
        check(big_render["chart"]["events"] == 120_000, f"large page: the chart counts {big_render['chart']['events']} findings, not 120,000")
        capped = list(big.all(lambda n: "data-not-shown" in n.attrs))
        check(any(n.attrs["data-not-shown"] == str(120_000 - big_render["tables"]["findings"]["embedded"]) for n in capped), "large page: no 'more not shown' count for findings")
        print(f"test-html: large report: JSON {big_json / 1e6:.1f} MB -> page {size / 1e6:.2f} MB; its script drew it in {big_render['ms']} ms, {big_render['sinceNavigation']} ms after navigation started; "
              f"headless Chromium opened it and dumped the DOM in {big_ms} ms (a blank page: {blank_ms} ms)")
        if big_render["sinceNavigation"] > 2000:
            print("test-html: note: the large page took over 2 s to draw on this machine")

    if rendered:
        print(f"test-html: samples page: {len(cards)} cards, chart {rendered['chart']}, tables "
              + ", ".join(f"{k} {v['shown']}/{v['total']}" for k, v in rendered["tables"].items()) + f"; drawn in {rendered['ms']} ms")
    if failures:
        for failure in failures:
            print("test-html: FAILED: " + failure)
        sys.exit(1)
    print("test-html: every check passed")


if __name__ == "__main__":
    main()
