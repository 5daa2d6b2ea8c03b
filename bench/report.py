#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py BENCH.TSV: the table of bench/guest.sh's results.

Lines of the TSV: "ROUND SETUP ALG TEST VALUE UNIT [NOTE]" or "#<TAB>info".
With several rounds each cell is the median and the single rounds follow in
brackets. The espgw / XFRM ratio is taken per round (the two set-ups ran back to
back in that round), then the median of those; the rounds' ratios follow.
"""
import math
import statistics
import sys

TESTS = [("tcp-c2i", "TCP client -> inside", "Mbit/s"),
         ("tcp-i2c", "TCP inside -> client", "Mbit/s"),
         ("udp64-c2i", "UDP 64 B client -> inside", "pkt/s"),
         ("udp64-i2c", "UDP 64 B inside -> client", "pkt/s")]


def main(path):
    vals, infos, algs, byround = {}, [], [], {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "#":
            if not f[1].startswith("round "):
                infos.append(f[1])
            continue
        if len(f) < 6:
            continue
        rnd, setup, alg, test, value = f[:5]
        if setup in ("xfrm", "espgw") and alg not in algs:
            algs.append(alg)
        vals.setdefault((setup, alg, test), []).append(float(value))
        byround.setdefault((setup, alg, test), {})[rnd] = float(value)

    def cell(setup, alg, test):
        v = [x for x in vals.get((setup, alg, test), []) if not math.isnan(x)]
        if not v:
            return None, "-"
        m = statistics.median(v)
        txt = f"{m:.0f}" if m >= 100 else f"{m:.1f}"
        if len(v) > 1:
            txt += " [" + " ".join(f"{x:.0f}" if x >= 100 else f"{x:.1f}" for x in v) + "]"
        return m, txt

    def ratio(a, b):
        return f"{a / b:.2f}" if a is not None and b else "-"

    def paired(alg, test):
        """espgw / XFRM per round (the two ran back to back), median [each round]"""
        x, e = byround.get(("xfrm", alg, test), {}), byround.get(("espgw", alg, test), {})
        r = [e[k] / x[k] for k in sorted(x) if k in e and x[k] and not math.isnan(e[k] / x[k])]
        if not r:
            return "-"
        txt = f"{statistics.median(r):.2f}"
        if len(r) > 1:
            txt += " [" + " ".join(f"{v:.2f}" for v in r) + "]"
        return txt

    for i in infos:
        print("# " + i)
    print()
    head = ["test", "unit", "no tunnel"]
    for alg in algs:
        head += [f"{alg} XFRM", f"{alg} espgw", "espgw/XFRM"]
    rows = [head]
    for test, name, unit in TESTS:
        row = [name, unit, cell("plain", "-", test)[1]]
        for alg in algs:
            x, xt = cell("xfrm", alg, test)
            e, et = cell("espgw", alg, test)
            row += [xt, et, paired(alg, test)]
        rows.append(row)
    width = [max(len(r[c]) for r in rows) for c in range(len(head))]
    for r in rows:
        print("  ".join(s.ljust(w) for s, w in zip(r, width)).rstrip())

    if any(k[0] == "espgw-10k" for k in vals):
        print()
        rows = [["test (espgw, gcm128)", "unit", "before", "with extra SAs/policies",
                 "after flush", "with/before", "with/after"]]
        for test, name, unit in TESTS:
            b, bt = cell("espgw-before", "gcm128", test)
            a, at = cell("espgw-10k", "gcm128", test)
            f, ft = cell("espgw-after", "gcm128", test)
            if b is None and a is None:
                continue
            rows.append([name, unit, bt, at, ft, ratio(a, b), ratio(a, f)])
        width = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
        for r in rows:
            print("  ".join(s.ljust(w) for s, w in zip(r, width)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
