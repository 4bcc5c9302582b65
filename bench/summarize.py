#!/usr/bin/env python3
"""Summarise bench raw JSON lines: per target and workload, msgs/s min/median/max, the median of
per-run p50/p99 latencies, failures, mailgate's peak RSS, and mailgate/Postfix median ratios."""
import json, statistics, sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault((r["workload"], r["target"]), []).append(r)


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


print("| workload | target | runs | msgs/s min / med / max | DATA-end p50 / p99 ms | setup p50 / p99 ms | failed | mailgate RSS max MB | bg CPU % max |")
print("|---|---|---|---|---|---|---|---|---|")
medians = {}
for (wl, target), rs in rows.items():
    rates = sorted(r["msgs_per_s"] for r in rs)
    medians[(wl, target)] = statistics.median(rates)
    fmt = lambda k: "%.1f / %.1f" % (med([r.get(k + "_p50_ms") for r in rs]) or 0, med([r.get(k + "_p99_ms") for r in rs]) or 0)
    rss = max(r.get("mailgate_rss_kb", 0) for r in rs) // 1024
    print("| %s | %s | %d | %.0f / %.0f / %.0f | %s | %s | %d | %s | %d |" % (
        wl, target, len(rs), rates[0], statistics.median(rates), rates[-1], fmt("data_end"), fmt("setup"),
        sum(r.get("failed", 0) for r in rs), rss if target == "mailgate" else "-", max(r.get("bg_busy_pct", 0) for r in rs)))
print()
for wl in sorted({w for w, _ in rows}):
    if (wl, "mailgate") in medians and (wl, "postfix") in medians and medians[(wl, "postfix")]:
        print("- %s: mailgate / Postfix median = %.2f" % (wl, medians[(wl, "mailgate")] / medians[(wl, "postfix")]))
