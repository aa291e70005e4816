#!/usr/bin/env python3
"""Study of rank fusion and of the no-answer decision for the help-center search, from the
candidates `chamado kb eval --dump` writes (issue 19). Reproduce:

    chamado kb eval ../shared/kb/queries-dev.jsonl ../shared/kb/queries-dev2.jsonl \\
        --dump /tmp/candidates.jsonl --model "$(scripts/model.sh)"
    python3 bench/search_fusion.py /tmp/candidates.jsonl ../shared/kb

Prints recall@1, recall@3 and MRR of each ranking without a display threshold (Chamado's
lexical evidence, a plain BM25, the embedding's cosine, and their reciprocal-rank fusions), then
how well single signals separate answerable from no-answer queries (best balanced accuracy of a
threshold, per set: a threshold chosen on one set is only worth what it does on the other).
"""
import glob
import json
import re
import statistics as st
import sys

dump = [json.loads(line) for line in open(sys.argv[1])]
kb = sys.argv[2] if len(sys.argv) > 2 else "../shared/kb"
SETS = sorted({r["set"] for r in dump})

articles = {}
for path in glob.glob(kb + "/*.md"):
    if path.endswith("README.md"):
        continue
    front = open(path).read().split("---")[1]
    field = lambda name: (re.search(rf"^{name}:\s*(\S+)", front, re.M) or [None, None])[1]
    articles[field("slug")] = (field("lang"), field("translation_of"))
translated = {t for (_, t) in articles.values() if t}


def visible(slug, lang):
    """As the index decides: an article's own language, the other one when untranslated."""
    own, original = articles[slug]
    if own == lang:
        return True
    return slug not in translated if own == "pt-BR" else original is None


def lexical(r):
    return [c["slug"] for c in r["lexical"]]


def bm25(r):
    return [c["slug"] for c in r["bm25"]]


def semantic(r):
    scored = [(x["cos"], x["slug"]) for x in r["semantic"] if visible(x["slug"], r["lang"])]
    return [s for _, s in sorted(scored, reverse=True)]


def rrf(*orders, k=60):
    score = {}
    for order in orders:
        for i, s in enumerate(order):
            score[s] = score.get(s, 0) + 1 / (k + i + 1)
    return [s for s, _ in sorted(score.items(), key=lambda x: -x[1])]


def figures(order_of):
    cells = []
    for set_ in SETS:
        at1 = at3 = rr = n = 0
        for r in dump:
            if r["set"] != set_ or not r["relevant"]:
                continue
            n += 1
            rank = next((i + 1 for i, s in enumerate(order_of(r)) if s in r["relevant"]), None)
            if rank:
                rr, at1, at3 = rr + 1 / rank, at1 + (rank == 1), at3 + (rank <= 3)
        cells.append(f"{at1 / n:.3f} {at3 / n:.3f} {rr / n:.3f}")
    return "   ".join(cells)


print(f"{'ranking (no display threshold)':<36} " + "   ".join(f"{s[:17]:<17}" for s in SETS))
print(f"{'':<36} " + "   ".join(f"{'R@1   R@3   MRR':<17}" for _ in SETS))
rankings = [("Chamado lexical", lexical), ("plain BM25", bm25)]
if dump[0]["semantic"]:
    rankings.append(("embedding (cosine)", semantic))
    for k in (5, 10, 20, 60):
        rankings.append((f"RRF lexical + embedding, k={k}", lambda r, k=k: rrf(lexical(r), semantic(r), k=k)))
        rankings.append((f"RRF lexical + BM25 + embedding, k={k}", lambda r, k=k: rrf(lexical(r), bm25(r), semantic(r), k=k)))
for name, order_of in rankings:
    print(f"{name:<36} {figures(order_of)}")


def signals(r):
    out = {"lexical evidence": r["lexical"][0]["evidence"] if r["lexical"] else 0.0,
           "lexical coverage": max([c["coverage"] for c in r["lexical"][:3]], default=0.0)}
    cos = sorted((x["cos"] for x in r["semantic"] if visible(x["slug"], r["lang"])), reverse=True)
    if cos:
        out["top cosine"] = cos[0]
        out["top cosine z-score"] = (cos[0] - st.mean(cos)) / st.pstdev(cos)
    return out


print("\nno-answer decision: best balanced accuracy of one threshold (and where), per set")
for name in signals(dump[0]):
    cells = []
    for set_ in SETS:
        rows = [r for r in dump if r["set"] == set_]
        yes = [signals(r)[name] for r in rows if r["relevant"]]
        no = [signals(r)[name] for r in rows if not r["relevant"]]
        best = max(((sum(x >= t for x in yes) / len(yes) + sum(x < t for x in no) / len(no)) / 2, t)
                   for t in set(yes + no))
        cells.append(f"{best[0]:.3f} at {best[1]:.3f}")
    print(f"  {name:<22} " + "   ".join(f"{c:<17}" for c in cells))


def shown_by_rule(r, min_coverage, min_evidence, relative_floor):
    """Chamado's display rule applied to the dumped lexical candidates (at most 5 shown)."""
    best = r["lexical"][0]["evidence"] if r["lexical"] else 0.0
    return [c["slug"] for c in r["lexical"]
            if c["coverage"] >= min_coverage and c["evidence"] >= min_evidence
            and c["evidence"] >= best * relative_floor][:5]


print("\nthe display rule's evidence bar (coverage >= 0.10, >= 35 % of the best): recall@3, MRR, "
      "no-answer queries showing articles")
for bar in (0.5, 0.93, 1.5, 2.0, 2.5, 3.0):
    cells = []
    for set_ in SETS:
        at3 = rr = n = none = none_shown = 0
        for r in dump:
            if r["set"] != set_:
                continue
            shown = shown_by_rule(r, 0.10, bar, 0.35)
            if not r["relevant"]:
                none, none_shown = none + 1, none_shown + bool(shown)
                continue
            n += 1
            rank = next((i + 1 for i, s in enumerate(shown) if s in r["relevant"]), None)
            if rank:
                rr, at3 = rr + 1 / rank, at3 + (rank <= 3)
        cells.append(f"{at3 / n:.3f} {rr / n:.3f} {none_shown / none:.2f}")
    print(f"  evidence >= {bar:<5} " + "   ".join(f"{c:<17}" for c in cells))
