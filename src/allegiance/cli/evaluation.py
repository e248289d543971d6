"""Commands that measure and train: eval (with --cv) and train."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from allegiance.cli.common import (
    KbOption,
    TriggersOption,
    app,
    fatal,
    load_kb,
    load_lexicon,
    out,
)

CorpusArgument = Annotated[list[Path] | None, typer.Argument(
    help="The articles the gold annotates (files or folders) [with --cv or train: ../shared/corpus, added to].")]
GoldOption = Annotated[list[Path] | None, typer.Option(
    "--gold", help="Gold folder (events.jsonl, quotes.jsonl, labels.jsonl); repeatable. "
                   "With --cv or train, added to the shared seed, dev and train gold.")]


def _gold_and_corpus(gold: list[Path] | None, corpus: list[Path] | None) -> tuple[list[Path], list[Path]]:
    """The shared gold and corpus, with the user's own added (a new crisis annotated in the scheme)."""
    from allegiance.learning.gold_sets import default_corpus, default_gold

    gold_dirs = list(dict.fromkeys([*default_gold(), *(gold or [])]))
    for g in gold_dirs:
        if not g.is_dir():
            raise fatal(f"no gold folder at {g} (the shared gold is found at ../shared or $ALLEGIANCE_SHARED)")
    return gold_dirs, list(dict.fromkeys([*default_corpus(), *(corpus or [])]))


@app.command("eval")
def eval_cmd(
    corpus: CorpusArgument = None,
    gold: GoldOption = None,
    kb: KbOption = None,
    triggers: TriggersOption = None,
    processes: Annotated[int | None, typer.Option(help="Extraction worker processes [default: every core].")] = None,
    cv: Annotated[int | None, typer.Option("--cv", help="Cross-validate the learned models over K folds of whole "
                                           "articles of the train gold (seed, dev and --gold always trained on) "
                                           "and of the PLOVER gold's records.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score extraction against gold annotations, on a temporary database."""
    from allegiance.evaluation.evaluate import evaluate

    if cv is not None:
        _cv(cv, gold, corpus, kb, as_json)
        return
    if not corpus or not gold:
        raise fatal("eval needs the corpus and at least one --gold folder (or --cv K)")
    for g in gold:
        if not g.is_dir():
            raise fatal(f"no gold folder at {g}")
    lexicon = load_lexicon(triggers)  # a bad file is a clear error before any work
    report = evaluate(gold, corpus, tuple(kb or ()), processes=processes, lexicon=lexicon).as_dict()
    if as_json:
        print(json.dumps(report, indent=2))
        return
    if "events" in report:
        ev = report["events"]
        table = Table(title="Events", title_justify="left")
        for col in ("measure", "precision", "recall", "F1", "tp / pred / gold"):
            table.add_column(col, justify="right" if col != "measure" else "left")
        for label, key in (("type (doc, sentence, type)", "type"), ("full match (type + source + target)", "full_match")):
            m = ev[key]
            table.add_row(label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", f"{m['tp']} / {m['pred']} / {m['gold']}")
        for t, m in ev["per_type"].items():
            table.add_row(f"  {t}", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", f"{m['tp']} / {m['pred']} / {m['gold']}")
        out.print(table)
        out.print(f"status accuracy: {ev['status_accuracy']:.3f} over {ev['status_evaluated']} matched gold events")
        if ev["gold_sentences_not_found"]:
            out.print(f"gold sentences not found in the stored text: {ev['gold_sentences_not_found']}")
    if "quotes" in report:
        q = report["quotes"]
        m = q["quote"]
        out.print(f"quotes: F1 {m['f1']:.3f} (P {m['precision']:.3f}, R {m['recall']:.3f}; {m['tp']} / {m['pred']} / {m['gold']}), "
                  f"speaker accuracy {q['speaker_accuracy']:.3f} over {q['speaker_evaluated']} matched quotes")
    if "labels" in report:
        m = report["labels"]
        out.print(f"labels: P {m['precision']:.3f}, R {m['recall']:.3f}, F1 {m['f1']:.3f} ({m['tp']} / {m['pred']} / {m['gold']})")
    if "plover" in report:
        p = report["plover"]
        out.print(f"PLOVER: {p['share']:.3f} of sentences ({p['hits']}/{p['sentences']}) get their gold PLOVER type")


@app.command("train")
def train_cmd(
    corpus: CorpusArgument = None,
    gold: GoldOption = None,
    kb: KbOption = None,
    cv: Annotated[int, typer.Option("--cv", help="Folds of the cross-validation recorded in the model card "
                                    "(0: none).")] = 5,
    models: Annotated[Path | None, typer.Option("--models", help="Where to write the model files "
                                                "[default: the package's models folder].")] = None,
) -> None:
    """Train the event typing and status models on the gold (the shared gold, plus --gold) and write
    them, with their model card, where extraction loads them."""
    from allegiance.learning.gold_sets import folded_gold
    from allegiance.learning.refine import MODELS
    from allegiance.learning.train import train

    gold_dirs, corpus = _gold_and_corpus(gold, corpus)
    directory = models or MODELS
    info = train(corpus, gold_dirs, load_kb(kb), folded_gold(), cv, directory=directory)
    for d in info["data"]:
        out.print(f"trained on {d['gold']}: {d['articles']} articles, {d['events']} events")
    if info["cross_validation"]:
        learned = info["cross_validation"]["learned"]["pooled"]
        out.print("cross-validated (pooled over folds): " + ", ".join(f"{k} {v:.3f}" for k, v in learned.items()))
    if info.get("speakers_cross_validation"):
        learned = info["speakers_cross_validation"]["learned"]["pooled"]
        out.print("quotations, speakers, labels cross-validated (pooled): "
                  + ", ".join(f"{k} {v:.3f}" for k, v in learned.items()))
    out.print(f"models: {directory.resolve()}")


def _cv(k: int, gold: list[Path] | None, corpus: list[Path] | None, kb: list[Path] | None, as_json: bool) -> None:
    from allegiance.evaluation.cv import run
    from allegiance.learning.gold_sets import folded_gold, plover_gold

    if k < 2:
        raise fatal("--cv needs at least 2 folds")
    gold_dirs, corpus = _gold_and_corpus(gold, corpus)
    plover = plover_gold() if plover_gold().is_dir() else None
    result = run(corpus, gold_dirs, folded_gold(), k, load_kb(kb), plover)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    _print_cv(result)


def _print_cv(result: dict) -> None:
    c = result["crisis"]
    out.print(f"Cross-validated on {c['articles']} articles of the train gold, {c['k']} folds of whole articles "
              "(seed, dev and added gold always on the training side). Mean over folds \\[min-max], and pooled "
              "over all held-out articles:")
    table = Table(title_justify="left")
    for col in ("measure", "rules", "learned", "rules pooled", "learned pooled"):
        table.add_column(col, justify="right" if col != "measure" else "left")
    names = (("type F1", "type_f1"), ("  type precision", "type_p"), ("  type recall", "type_r"),
             ("full match F1", "full_f1"), ("status accuracy", "status_acc"))
    for label, key in names:
        cells = [f"{s['spread'][key]['mean']:.3f} [{s['spread'][key]['min']:.3f}-{s['spread'][key]['max']:.3f}]"
                 for s in (c["rules"], c["learned"])]
        table.add_row(label, *cells, *(f"{s['pooled'][key]:.3f}" for s in (c["rules"], c["learned"])))
    out.print(table)
    if "learned_without_arguments" in c:
        u = c["learned_without_arguments"]
        out.print(f"learned without the argument ranker: full match F1 {u['spread']['full_f1']['mean']:.3f} "
                  f"[{u['spread']['full_f1']['min']:.3f}-{u['spread']['full_f1']['max']:.3f}], "
                  f"pooled {u['pooled']['full_f1']:.3f}")
    folds = Table(title="Per fold", title_justify="left")
    for col in ("fold", "type F1 rules / learned", "full match F1", "status accuracy"):
        folds.add_column(col, justify="right")
    for i, (r, m) in enumerate(zip(c["rules"]["folds"], c["learned"]["folds"]), 1):
        folds.add_row(str(i), f"{r['type_f1']:.3f} / {m['type_f1']:.3f}", f"{r['full_f1']:.3f} / {m['full_f1']:.3f}",
                      f"{r['status_acc']:.3f} / {m['status_acc']:.3f}")
    out.print(folds)
    per_type = Table(title="Type F1 per event type (pooled over folds)", title_justify="left")
    for col in ("type", "rules P / R / F1", "learned P / R / F1", "gold"):
        per_type.add_column(col, justify="right" if col != "type" else "left")
    for t, m in c["learned"]["per_type"].items():
        r = c["rules"]["per_type"].get(t, {"precision": 0, "recall": 0, "f1": 0})
        per_type.add_row(t, f"{r['precision']:.2f} / {r['recall']:.2f} / {r['f1']:.2f}",
                         f"{m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.2f}", str(m["gold"]))
    out.print(per_type)
    if "speech" in result:
        _print_speech_cv(result["speech"])
    if "plover" in result:
        p = result["plover"]
        out.print(f"PLOVER share, {p['k']} folds over {p['articles']} sentences: rules "
                  f"{p['rules']['pooled']['plover_share']:.3f}, learned {p['learned']['pooled']['plover_share']:.3f} "
                  f"[{p['learned']['spread']['plover_share']['min']:.3f}-{p['learned']['spread']['plover_share']['max']:.3f}]")




def _print_speech_cv(c: dict) -> None:
    """Quotations, speakers and labels on the same folds: the rules' speakers beside the learned ranking."""
    table = Table(title=f"Quotations, speakers and labels ({c['articles']} articles: {c['rules']['quotes']} gold "
                        f"quotations, {c['rules']['labels']} gold labels)", title_justify="left")
    for col in ("measure", "rules", "learned", "rules pooled", "learned pooled"):
        table.add_column(col, justify="right" if col != "measure" else "left")
    names = (("quote F1", "quote_f1"), ("  quote precision", "quote_p"), ("  quote recall", "quote_r"),
             ("speaker accuracy", "speaker_acc"), ("label F1", "label_f1"), ("  label precision", "label_p"),
             ("  label recall", "label_r"))
    for label, key in names:
        cells = [f"{s['spread'][key]['mean']:.3f} [{s['spread'][key]['min']:.3f}-{s['spread'][key]['max']:.3f}]"
                 for s in (c["rules"], c["learned"])]
        table.add_row(label, *cells, *(f"{s['pooled'][key]:.3f}" for s in (c["rules"], c["learned"])))
    out.print(table)
