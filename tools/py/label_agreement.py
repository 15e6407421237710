"""Left/right label noise from judged contact sheets (tools/py/label_sheets.py): each judge's
fraction of swapped people among those they could judge, with a Wilson 95% interval, the
judges' agreement (Cohen's kappa over the cells both could judge) and the consensus.

  .venv/bin/python tools/py/label_agreement.py judge_A.csv judge_B.csv [--json out.json]

A judge's CSV: cell,facing,labels,confidence,note with labels one of
correct | swapped | partly_swapped | unclear. "Swapped" below counts swapped and partly_swapped.
"""
import argparse
import csv
import json
import math
import sys

LABELS = {"correct", "swapped", "partly_swapped", "unclear"}


def wilson(k, n, z=1.96):
    if n == 0:
        return [0.0, 1.0]
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [max(0.0, centre - half), min(1.0, centre + half)]


def read_judge(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for i, r in enumerate(rows, start=2):
        label = (r.get("labels") or "").strip()
        if label not in LABELS:
            sys.exit(f"{path}: line {i}: labels: expected one of {sorted(LABELS)}, found '{label}'")
        cell = int(r["cell"])
        if cell in out:
            sys.exit(f"{path}: line {i}: cell: expected each cell once, found {cell} again")
        out[cell] = label
    return out


def swapped(label):
    return label in ("swapped", "partly_swapped")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("judges", nargs="+")
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    judges = {p: read_judge(p) for p in a.judges}
    cells = sorted(set.union(*(set(j) for j in judges.values())))
    result = {"cells": len(cells), "judges": {}}
    for path, j in judges.items():
        decided = [c for c in j if j[c] != "unclear"]
        k = sum(swapped(j[c]) for c in decided)
        result["judges"][path] = {"decided": len(decided), "unclear": len(j) - len(decided), "swapped": k,
                                  "fraction": k / len(decided) if decided else None,
                                  "wilson95": wilson(k, len(decided)),
                                  "swapped_cells": sorted(c for c in decided if swapped(j[c]))}
    if len(judges) == 2:
        (pa, ja), (pb, jb) = judges.items()
        both = [c for c in cells if ja.get(c, "unclear") != "unclear" and jb.get(c, "unclear") != "unclear"]
        sa = [swapped(ja[c]) for c in both]
        sb = [swapped(jb[c]) for c in both]
        n = len(both)
        agree = sum(x == y for x, y in zip(sa, sb))
        pa1, pb1 = sum(sa) / n, sum(sb) / n
        expected = pa1 * pb1 + (1 - pa1) * (1 - pb1)
        kappa = (agree / n - expected) / (1 - expected) if expected < 1 else 1.0
        consensus = [c for c, x, y in zip(both, sa, sb) if x and y]
        either = [c for c, x, y in zip(both, sa, sb) if x or y]
        result["agreement"] = {"both_decided": n, "agree": agree, "cohen_kappa": kappa,
                               "swapped_by_both": consensus, "swapped_by_either": either,
                               "consensus_fraction": len(consensus) / n, "consensus_wilson95": wilson(len(consensus), n),
                               "either_fraction": len(either) / n, "either_wilson95": wilson(len(either), n)}
    for path, r in result["judges"].items():
        lo, hi = r["wilson95"]
        print(f"{path}: {r['swapped']} swapped of {r['decided']} judged ({r['unclear']} unclear): "
              f"{100 * r['fraction']:.1f}% [95% CI {100 * lo:.1f}-{100 * hi:.1f}%], cells {r['swapped_cells']}")
    if "agreement" in result:
        g = result["agreement"]
        print(f"both judged {g['both_decided']} cells, agreed on {g['agree']} (Cohen's kappa {g['cohen_kappa']:.2f}); "
              f"swapped by both {len(g['swapped_by_both'])} = {100 * g['consensus_fraction']:.1f}% "
              f"[{100 * g['consensus_wilson95'][0]:.1f}-{100 * g['consensus_wilson95'][1]:.1f}%], by either "
              f"{len(g['swapped_by_either'])} = {100 * g['either_fraction']:.1f}% "
              f"[{100 * g['either_wilson95'][0]:.1f}-{100 * g['either_wilson95'][1]:.1f}%]")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
