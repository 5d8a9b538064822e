"""The benchmarks page's facts: its protocol, what its table shows, the noise floor of one score,
and what the learning curves say."""

from __future__ import annotations

import pandas as pd

from ... import experiments, note, stats, verdicts
from ...curves import curve_band, late_change, selected_curves, settles_below
from ...data import NOTE_TASKS, TASKS, make_dataset, task_title
from ...runtime import provenance
from ...fmt import count
from ...runtime.tables import number
from ...train import TrainConfig, higher_is_better
from .reported import NEVER_TRAINS, cell

CLS_TASKS = [t for t in NOTE_TASKS if t != "sine"]
#: The learning-curve models (the figure's), and the ones that learn (for the late-epoch gain).
CURVE_MODELS = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (H=64)", "CEN (H=512)"]


def facts(cfg, results: dict, fitted: dict) -> dict:
    """Every fact the page quotes (published as ``bench-KEY``)."""
    long, rows, selected = results["long"], results["rows"], results["selected"]
    f = protocol_facts(cfg)
    f.update(table_facts(long, rows, selected))
    f.update(dense_facts(long, results["noisy_sine"]))
    f.update(noise_facts(f["n-val"]))
    f.update(fit_facts(fitted))
    f.update(curve_facts(results["sweep"].curves, selected))
    out = cfg.results_dir
    f["data-table"] = provenance.data_links(out / "benchmarks_table.csv")
    f["data-members"] = provenance.data_links(out / "benchmarks_members.csv")
    return f


def protocol_facts(cfg) -> dict:
    """The data, training and selection protocol, read from the code's defaults."""
    tc = TrainConfig(epochs_scale=cfg.epochs_scale)
    ds = make_dataset(NOTE_TASKS[0], cfg.seeds[0])
    return {"show-seed": cfg.seeds[0], "n-train": len(ds.x_train), "n-val": len(ds.x_val),
            "n-test": len(ds.x_test), "batch": tc.batch_size, "epochs-cls": tc.n_epochs("binary"),
            "epochs-reg": tc.n_epochs("regression"), "epochs-scale": cfg.epochs_scale,
            "lr-lo": min(tc.lrs), "lr-hi": max(tc.lrs),
            "cen-widths": ", ".join(str(h) for h in experiments.CEN_WIDTHS), "n-seeds": cfg.n_seeds,
            "cen-hmax": int(experiments.CENS[-1].config.H), "n-tasks": len(NOTE_TASKS),
            "n-models": len(experiments.CORE_MODELS),
            "note-h": ", ".join(f"{note.CEN_BEST_H[t]} on {task_title(t)}" for t in NOTE_TASKS),
            "note-h-circles": note.CEN_BEST_H["circles"],
            "rep-radius": dict(experiments.HSN_REPAIRED.options)["spectral_radius"],
            # the rulebook's bound on a single run's spread (verdicts.WIDE margins) and its margins
            "wide": verdicts.WIDE, **verdicts.margin_facts()}


def table_facts(long: pd.DataFrame, rows: pd.DataFrame, selected: pd.DataFrame) -> dict:
    """What the table shows, model by model, and how many reported values lie where one run falls."""
    f = hsn_facts(long, selected)
    f.update(cen_facts(long, rows))
    val = long[(long["split"] == "val") & long["reported"].notna()]
    inside = int((val["verdict"] == verdicts.HOLDS).sum())
    broken = int((val["side"] == NEVER_TRAINS).sum())
    wide = int((val["verdict"] == verdicts.UNINFORMATIVE).sum()) - broken
    values = int(val[["task", "note_column"]].drop_duplicates().shape[0])
    f["inside-sentence"] = inside_sentence(inside, len(val), values, wide, broken)
    out = val[val["verdict"] == verdicts.CONTRADICTED]
    # "above" is better for accuracy and worse for an MSE: the sentence says better or worse
    up = out["task"].map(lambda t: higher_is_better(TASKS[t][0]))
    better = int(((out["side"] == "ours above") == up).sum())
    f["misses"] = misses_sentence(better, len(out) - better)
    return f


def dense_facts(long: pd.DataFrame, noisy: pd.DataFrame) -> dict:
    """The dense MLP against the note: the largest gap on classification, and the sine baseline
    under both sine readings (noise-free targets, and noise 0.1: ``noisy``, selected runs), on
    validation as the note reports it."""
    val = long[(long["split"] == "val") & (long["model"] == "Dense MLP") & long["task"].isin(CLS_TASKS)]
    # validation against validation: the note reports validation MSE
    sine = cell(long, "sine", "Dense MLP", "val")
    noisy_mse = float(noisy["val_metric"].mean())
    return {"dense-cls-maxgap": float((val["mean"] - val["reported"]).abs().max()),
            "dense-sine": float(sine["mean"]), "note-dense-sine": float(sine["reported"]),
            "dense-sine-ratio": float(sine["reported"] / sine["mean"]),
            "dense-sine-noisy": noisy_mse, "dense-sine-ratio-noisy": float(sine["reported"] / noisy_mse)}


def hsn_facts(long: pd.DataFrame, selected: pd.DataFrame) -> dict:
    """Both HSN readings: the literal one near chance, the repaired one against the dense MLP."""
    val = long[long["split"] == "val"].set_index(["task", "model"])
    lit = long[long["task"].isin(CLS_TASKS) & (long["model"] == "HSN (literal)")]
    seeds = selected[(selected["model"] == "HSN (literal)") & selected["task"].isin(CLS_TASKS)]
    top = seeds.loc[seeds["val_metric"].idxmax()]
    gaps = [abs(val.loc[(t, "HSN (repaired)"), "mean"] - val.loc[(t, "Dense MLP"), "mean"]) for t in CLS_TASKS]
    moons = cell(long, "moons", "HSN (repaired)", "val")
    return {"lit-cls-min": float(lit["mean"].min()), "lit-cls-max": float(lit["mean"].max()),
            "note-hsn-cls-min": min(note.TABLE_2_1[t]["HSN"] for t in CLS_TASKS),
            "note-hsn-cls-max": max(note.TABLE_2_1[t]["HSN"] for t in CLS_TASKS),
            "lit-best-seed": float(top["val_metric"]), "lit-best-seed-task": task_title(top["task"]),
            "lit-sine": float(val.loc[("sine", "HSN (literal)"), "mean"]),
            "rep-dense-maxgap": float(max(gaps)), "note-hsn-moons": float(moons["reported"]),
            "moons-words": ("lies within the range of one run of our repaired HSN"
                            if moons["verdict"] == verdicts.HOLDS
                            else "lies outside the range of one run of our repaired HSN"),
            "dense-moons": float(val.loc[("moons", "Dense MLP"), "mean"]),
            "rep-sine": float(val.loc[("sine", "HSN (repaired)"), "mean"]),
            "note-hsn-sine": note.TABLE_2_1["sine"]["HSN"]}


def cen_facts(long: pd.DataFrame, rows: pd.DataFrame) -> dict:
    """The CEN on sine and on circles, and the optimism of choosing its width on validation."""
    val = long[long["split"] == "val"].set_index(["task", "model"])
    best = rows[(rows["model"] == "CEN (best H)") & rows["task"].isin(CLS_TASKS)]
    opt = float((best["val_metric"] - best["test_metric"]).mean())
    return {"cen-sine": float(val.loc[("sine", "CEN (best H)"), "mean"]),
            "note-cen-sine": note.TABLE_2_1["sine"]["CEN"],
            "cen-circles-note-h": float(val.loc[("circles", "CEN (note's H)"), "mean"]),
            "note-cen-circles": note.TABLE_2_1["circles"]["CEN"],
            "cen-circles-best-h": float(val.loc[("circles", "CEN (best H)"), "mean"]),
            "cen-optimism-words": (f"exceeds its test accuracy by {number(opt)}" if opt > 0 else
                                   f"is below its test accuracy by {number(-opt)}" if opt < 0
                                   else "equals its test accuracy")}


def noise_facts(n_val: int) -> dict:
    """How much one accuracy on the validation split moves by chance (:func:`scaffold.stats.noise_floor`)."""
    nf = stats.noise_floor(n_val, acc=0.95)
    return {"nf-n": nf["n_points"], "nf-acc": nf["acc"], "nf-res": nf["resolution"], "nf-se": nf["se"],
            "nf-points": nf["points_per_se"], "nf-half": nf["half_width"], "nf-diff": float(nf["diff_half_width"]),
            "moons-gap": note.TABLE_2_1["moons"]["HSN"] - note.TABLE_2_1["moons"]["Dense MLP"]}


def fit_facts(fitted: dict) -> dict:
    """The retrained seed drawn in the figures, and how well it agrees with the sweep."""
    return {"fit-seed": fitted["seed"],
            "fit-agree": ("exactly" if fitted["max_diff"] == 0
                          else f"to within {number(fitted['max_diff'], 1)}")}


def curve_facts(curves: pd.DataFrame, selected: pd.DataFrame) -> dict:
    """Whether training had converged: the late gain of the models that learn, and the sine baseline."""
    band = curve_band(selected_curves(curves, selected))
    late = late_change(band)
    cls = late[late["task"].isin(CLS_TASKS) & late["model"].isin(CURVE_MODELS)
               & (late["model"] != "HSN (literal)")]
    top = cls.loc[cls["change"].idxmax()]
    sine = late[(late["task"] == "sine") & (late["model"] == "Dense MLP")].iloc[0]
    settle = settles_below(band, "sine", "Dense MLP", note.TABLE_2_1["sine"]["Dense MLP"])
    return {"late-from": int(cls["from_epoch"].max()), "late-max-gain": float(cls["change"].max()),
            "late-max-which": f"{top['model']} on {task_title(top['task'])}",
            "dense-sine-settle": "never" if settle is None else f"from epoch {settle} on",
            "dense-sine-final": float(sine["end"])}


def inside_sentence(k: int, n: int, values: int, wide: int = 0, broken: int = 0) -> str:
    """How many comparisons with a reported value hold, saying that one value may face several rows
    and how many cannot be judged (the rulebook's "uninformative"): our seeds spread too widely, or
    the model never trains (degenerate)."""
    which = "all of them" if k == n else "none of them" if k == 0 else f"{k} of them"
    judged = (f" In {count(wide, 'comparison')} our seeds spread too widely for one run to be judged "
              f"({verdicts.UNINFORMATIVE})." if wide else "")
    if broken:
        judged += (f" In {count(broken, 'comparison')} our model never trains (degenerate), and a broken "
                   f"implementation judges nothing ({verdicts.UNINFORMATIVE}).")
    return (f"The note's {values} reported values enter {n} comparisons here (both HSN readings and "
            f"several CEN rows face the same value); in {which} the reported value lies where one "
            f"validation run of ours would fall.{judged}")


def misses_sentence(better: int, worse: int) -> str:
    """Where the reported values outside our one-run range lie, as a sentence: ours better or worse
    (higher accuracy, lower MSE is better)."""
    if better + worse == 0:
        return "No reported value falls outside that range where the range can judge it."
    return (f"Where a reported value lies outside one run's range ({verdicts.CONTRADICTED}), ours is better than "
            f"it in {count(better, 'cell')} and worse in {count(worse, 'cell')} (higher accuracy, lower MSE).")

