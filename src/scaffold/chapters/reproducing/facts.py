"""What the appendix states about its benchmark reports: two computed passages.

A benchmark report may hold any of its parts (stacked ensembles, the core sweep,
throughput, the book's rebuilds, the speed targets), or be missing altogether, so
the paragraphs about it are written here, one function per part, and published
whole (``{glue:md}``).  Each passage places the tables of the parts it has and
returns them with its text, so a table is on the page exactly when its paragraph is:

- :func:`timings`: ``results/bench.json`` of the machine that built the book, or a
  plain statement that nothing was timed there (never "nan" or "n/a" in a sentence);
- :func:`recorded`: the newest report recorded in ``tools/records/`` (a GPU lease's),
  labelled as recorded, not re-measured, with the one before it beside its core sweep
  and its book where there is one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ... import ROOT, fmt
from ...data import NOTE_TASKS
from ...experiments import NOTE_MODELS
from ...fmt import count
from ...models import CEN_NOTE, HSN_NOTE
from ...runtime import provenance, tables
from ...train import TrainConfig
from .reports import book_table, cold_book, ensemble_table, goals_table, plan_table, profile_table, throughput_table

#: The prefix the notebook publishes this page under: the passages name their tables with it.
PREFIX = "rep"

NOTHING_TIMED_HERE = (
    "Nothing was timed on the machine that built this copy of the book: it has no "
    "`results/bench.json`. `make bench` measures it (about twenty minutes on two cores), writes "
    "that file and refreshes this page with the timings.")
NOTHING_TIMED = NOTHING_TIMED_HERE + " The figures recorded on a GPU follow, in the next section."


class Markdown:
    """MyST text for ``{glue:md}`` (text/markdown, with a plain-text fallback)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.text, "text/plain": self.text}


#: What the throughput tables' stack size limit means (scaffold.sweep.make_stacks groups jobs,
#: it never splits one).
UNSPLIT = ("The limit groups jobs (one reading's seeds \u00d7 learning rates) into stacks and never "
           "splits one: a job larger than the limit is a stack of its own.")


def ref(key: str) -> str:
    """A numbered reference to the page's table ``key``."""
    return f"{{numref}}`tab-{PREFIX}-{key}`"


def placed(key: str, caption: str) -> str:
    """The directive that places the page's table ``key`` with its caption."""
    name = f"tab-{PREFIX}-{key}"
    return f"```{{glue:figure}} {name}\n:name: {name}\n:figclass: table\n\n{caption}\n```"


def passage(parts: list, links: str) -> tuple[Markdown, dict]:
    """Paragraphs ``(text, {table: frame})`` (None for a part the report lacks) joined into one
    passage, followed by the data links; returns the passage and the tables it places."""
    parts = [p for p in parts if p]
    text = "\n\n".join([*(t for t, _ in parts), links])
    return Markdown(text), {k: v for _, frames in parts for k, v in frames.items()}


# --- this machine's report (results/bench.json) ------------------------------------

def timings(report: dict | None, path: Path, recorded: dict | None = None) -> tuple[Markdown, dict]:
    """The "How long it takes" passage from the report at ``path``, and the tables it places.

    Without a report, a plain "nothing was timed here", followed by the passage on
    ``recorded`` (a ``make bench`` report kept in ``tools/records/``) when there is one.
    """
    if not report and not recorded:
        return Markdown(NOTHING_TIMED), {}
    if not report:
        path, report = Path(recorded["file"]), recorded
    machine = report.get("gpu") or report.get("cpu") or report.get("machine", "n/a")
    scale = report.get("epochs_scale", float("nan"))
    setting = (f"Timings measured by `make bench` on {report.get('device', 'n/a')} ({machine}), torch "
               f"{report.get('torch', 'n/a')}, {count(report['threads'], 'thread')}, training for "
               + ("the note's full number of epochs." if scale == 1 else
                  f"{tables.number(scale)} times the note's number of epochs."))
    if report is recorded:
        setting = (f"{NOTHING_TIMED_HERE} The figures below were recorded by `make bench` on "
                   f"{report.get('date', 'an unrecorded date')}, on {count(report['threads'], 'CPU core')}"
                   + (f" of an {report['cpu']}" if report.get("cpu") else "")
                   + f" ({report.get('machine', 'n/a')}, torch {report.get('torch', 'n/a')})"
                   + (f", joined from {count(len(report['merged_from']), 'run')} of its parts on that machine"
                      + _at_commits(report.get("merged_commits"))
                      if len(report.get("merged_from") or ()) > 1 else "")
                   + ", and are kept in "
                   f"`{_repo_path(path)}`; they are not re-measured when the book is built. Your machine's "
                   "figures will differ, and so may the ratios: the floor below is as fast as the "
                   "processor's large matrix products, and the tiny models gain less from a faster one.")
    parts = [(setting, {}), ensemble_paragraph(report), floor_paragraph(report), profile_paragraph(report),
             tanh_paragraph(report),
             throughput_paragraph(report), book_paragraph(report), plan_paragraph(report),
             goals_paragraph(report)]
    return passage(parts, provenance.data_links(path).markdown())


def _speedups(ens: pd.DataFrame, column: str, words: str) -> str:
    return ", ".join(f"{fmt.factor(getattr(r, column), 3)}{words} for the {r.model}" for r in ens.itertuples())


def ensemble_paragraph(report: dict):
    """Stacked ensembles against vmap and one-by-one training."""
    if not report.get("ensemble"):
        return None
    ens = ensemble_table(report)
    maxdiff = max(e["max_abs_metric_diff"] for e in report["ensemble"])
    way = ("PyTorch's documented way of training an ensemble (`torch.func.stack_module_state` and `vmap` "
           "over `functional_call`")
    slower = (list(ens.loc[ens["vmap_s"] > ens["one_by_one_s"], "model"])
              if {"vmap_s", "one_by_one_s"} <= set(ens.columns) else [])
    vmap = (f"Against {way}, same members, same engine otherwise) the stacked model is faster by "
            f"{_speedups(ens, 'stacked_vs_vmap', '')}"
            + (f"; for the {fmt.listed(slower)}, vmap is slower even than training one member at a time"
               if slower else "") + "."
            if "stacked_vs_vmap" in ens else f"This report did not time {way}).")
    agree = ("The stacked and one-by-one paths run the same code, and here every member's test "
             "metric came out the same both ways." if maxdiff == 0 else
             "The stacked and one-by-one paths run the same code, so the members agree up to the "
             "order of floating-point sums (the largest difference in a member's test metric was "
             f"{tables.number(maxdiff)}: the literal HSN is chaotic enough to amplify rounding).")
    text = (f"**Stacked ensembles.** Training the {int(ens.members.iloc[0])} members of one job (one model on "
            "one task: seeds times learning rates) as one stacked model instead of one at a time is "
            f"{_speedups(ens, 'speedup', ' faster')} ({ref('ensemble')}). {vmap} {agree}\n\n"
            + placed("ensemble", "Training one job's members stacked, through vmap, and one by one."))
    return text, {"ensemble": ens}


def floor_paragraph(report: dict):
    """The core sweep against the time its arithmetic would take as large matrix products."""
    cs = report.get("core_sweep")
    if not cs:
        return None
    per_job = cs["members"] // cs["jobs"] if cs.get("jobs") else 0
    n_lr, n_tasks, n_models = len(TrainConfig().lrs), len(NOTE_TASKS), len(NOTE_MODELS)
    what = (f"the note's {n_tasks} tasks and {n_models} models, each job {per_job} members ({per_job // n_lr} "
            f"seeds × {n_lr} learning rates): "
            if per_job and per_job % n_lr == 0 and cs["jobs"] == n_tasks * n_models else "")
    text = (f"**Compute floor.** The core sweep ({what}{cs['jobs']} jobs, {cs['members']} trained "
            f"models, {tables.number(cs['gflop'])} GFLOP) took {tables.number(cs['seconds'])} s; the "
            f"same arithmetic as large matrix products would take {tables.number(cs['floor_s'])} s here "
            f"({tables.number(cs['matmul_gflops'])} GFLOP/s), a ratio of {fmt.factor(cs['ratio_to_floor'], 3)}. "
            + (f"Both were timed warm: the sweep's {cs['n_jobs']} worker processes were started first, by a "
               f"one-epoch run of the same sweep ({tables.number(cs['warmup_s'])} s), as the book's plan "
               "keeps its workers up from its first job to its last. " if cs.get("warmup_s") is not None else "")
            + (why_above_floor(cs, _target(report, "core sweep time / matmul floor")) or
               "The models are so small that a step's products are tiny (16 to 64 units wide) and its "
               "element-wise passes (activations, their gradients, Adam) cost as much as the products: "
               "the step is bound by memory traffic and per-operation overhead, not by arithmetic, "
               "which is also why stacking members pays."))
    return text, {}


def _at_commits(commits) -> str:
    """" (at commits 0125212 and 706756e)" for a merged report whose parts name their commits."""
    known = list(dict.fromkeys(c for c in commits or () if c))
    if not known:
        return ""
    return f" (at commit{'s' if len(known) > 1 else ''} " + fmt.listed(f"`{c}`" for c in known) + ")"


def _share_of_epochs(scale: float) -> str:
    """0.2 -> "a fifth" (the few shares a benchmark uses), else "0.3 times"."""
    return {1.0: "all", 0.5: "half", 0.25: "a quarter", 0.2: "a fifth", 0.1: "a tenth"}.get(
        scale, f"{tables.number(scale)} times")


def _target(report: dict, goal: str) -> float | None:
    return next((g["target"] for g in report.get("goals") or [] if g.get("goal") == goal), None)


def why_above_floor(cs: dict, target: float | None = None) -> str | None:
    """The core sweep's distance from its floor per model family, and the measurements on
    one core that say where the dense MLP's time goes (a CPU report's ``by_family`` and
    ``passes``); ``target``: the goal's ratio, said to be met or missed family by family."""
    fams, passes = cs.get("by_family"), cs.get("passes")
    if not fams or not passes:
        return None
    total = sum(f["job_seconds"] for f in fams)
    first, *rest = fams
    per = "; ".join([f"the {first['model']}'s took {tables.number(first['job_seconds'])} of the sweep's "
                     f"{tables.number(total)} job-seconds (both processes' time summed), "
                     f"{fmt.factor(first['ratio_to_floor'], 2)} their floor",
                     *(f"the {f['model']}'s {tables.number(f['job_seconds'])}, {fmt.factor(f['ratio_to_floor'], 2)}"
                       for f in rest)])
    verdict = ""
    if target:  # said only where some family misses it
        met = [f["model"] for f in fams if f["ratio_to_floor"] <= target]
        goal = f" So the target of at most {fmt.factor(target, 2)} ({ref('goals')}) is"
        if not met:
            verdict = f"{goal} missed in every family."
        elif len(met) < len(fams):
            verdict = f"{goal} met by " + fmt.listed(f"the {m}" for m in met) + "."
    small, big = passes["pass_members"]
    (mb_small, mb_big), (r_small, r_big) = passes["pass_mb"], passes["pass_gfloats"]
    rate1, w = first["one_core_gflops"], passes["product_width"]
    out = (f"Each stack trains on one core, so each model family's jobs are set against one core's floor "
           f"({tables.number(rate1)} GFLOP/s): {per}.{verdict} Measurements on one core show where the dense "
           f"MLP's time goes. Its hidden-layer product on a {passes['product_members']}-member stack (batches "
           f"of {passes.get('product_batch', TrainConfig().batch_size)} samples, {w} × {w} weights a member) runs at {tables.number(passes['product_gflops'])} GFLOP/s, "
           f"{fmt.pct(passes['product_gflops'] / rate1)} of the floor's rate: the products are not what is "
           f"slow. An element-wise pass over that stack's activations ({tables.number(mb_big)} MiB a tensor), an "
           f"add that reads two floats and writes one per element, does {tables.number(r_big)} billion elements "
           f"a second, against {tables.number(r_small)} over a {small}-member stack's "
           f"({tables.number(mb_small)} MiB), whose tensors fit in the core's cache. A dense step makes such "
           "passes over every activation, every activation's gradient and, in Adam's update, every weight: "
           "its time is that of a step bound by memory traffic rather than by arithmetic.")
    sm = passes.get("stack_ms_per_member")
    if sm:
        out += (f" Yet a smaller stack is no faster: trained for {_share_of_epochs(passes['stack_epochs_scale'])} "
                f"of its epochs, a {small}-member dense stack took {tables.number(sm[0])} ms a member, against "
                f"{tables.number(sm[1])} at {big} members, since each operation's fixed cost is then shared by "
                "fewer members.")
    return out + (f" The HSN's and the CEN's steps are smaller still ({HSN_NOTE.config.h_ca3} units wide; the "
                  f"CEN's readout maps its {CEN_NOTE.config.H} units to one output) and further from their floor; "
                  f"these measurements do not break their time down ({ref('profile')} gives their operators' "
                  "shares).")


def profile_paragraph(report: dict):
    """Where a stacked training step's operator time goes."""
    prof = profile_table(report)
    if prof.empty:
        return None
    shares = ", ".join(f"{r.matmul_pct}% for the {r.model}" for r in prof.itertuples())
    text = ("**Where a step's time goes.** A profile of each model's stacked training "
            f"({ref('profile')}) puts the matrix products at {shares} of the time spent in "
            "operators; the rest is element-wise passes (activations and their gradients, Adam's "
            "update), copies and autograd's bookkeeping. Each such pass touches every weight or "
            "activation it works on and does almost no arithmetic; a step makes many of them, and "
            "stacking members shares their fixed cost but not their memory traffic.\n\n"
            + placed("profile", "Share of operator time per operator in a stacked training run "
                                "(`torch.profiler`, self time; the profiler's overhead inflates the many "
                                "small operators a little)."))
    return text, {"profile": prof}


def throughput_paragraph(report: dict):
    """Members trained per second at the multiverse's scale."""
    thr = throughput_table(report)
    if thr.empty:
        return None
    best = thr.loc[thr.members_per_s.idxmax()]
    # what the members are: the multiverse part's readings, times seeds, times learning rates
    n_read, n_lr = (report.get("multiverse") or {}).get("readings"), len(TrainConfig().lrs)
    members = int(thr.members.max())
    what = (f"{n_read} HSN readings, phase 1's factorial of the multiverse, × {members // (n_read * n_lr)} "
            f"seeds × {n_lr} learning rates, on moons" if n_read and members % (n_read * n_lr) == 0
            else "HSN readings of the multiverse's phase 1, seeds and learning rates, on moons")
    text = (f"**Throughput.** With {fmt.int_(members)} members ({what}), the engine trains "
            f"{tables.number(best.members_per_s)} members per second here "
            f"({count(int(best.stacks), 'stack')}, stack size limit {fmt.int_(best.max_members)}, on "
            f"{count(int(best.n_jobs), 'process', 'processes')}; {ref('throughput')}).\n\n"
            + placed("throughput", "Members trained per second at 1,000+ members"
                     + (", by stack size limit. " if thr["max_members"].nunique() > 1 else ". ") + UNSPLIT))
    return text, {"throughput": thr}


def book_paragraph(report: dict):
    """The book's rebuild times."""
    book = report.get("book")
    if not book:
        return None
    where = (f"a fresh `git clone` of commit `{book['commit']}`, from its set-up on"
             if "commit" in book else "the virtual environment already set up")
    fresh = ""
    if "fresh_clone" in book:
        fresh = (f" From a fresh clone, setting up the environment and MathJax took "
                 f"{tables.number(book['setup']['seconds'])} s and the whole book "
                 f"{tables.number(book['fresh_clone']['seconds'])} s in all.")
    text = (f"**Rebuilding the book** ({book.get('profile', 'n/a')} profile, {where}) is timed in "
            f"{ref('book')}: from scratch with an empty cache, with nothing changed, after editing one "
            "markdown cell, and after editing a library module that training does not use (trained "
            f"results then come from the cache).{fresh}\n\n"
            + placed("book", "Build times of the book and how many sections each build executed."))
    return text, {"book": book_table(report)}


def tanh_paragraph(report: dict):
    """PyTorch's CPU tanh against the library's."""
    th = report.get("tanh")
    if not th:
        return None
    text = (f"**The CA3 activation.** On {fmt.int_(th['elements'])} values (one stack's CA3 states), "
            f"`torch.tanh` took {tables.number(th['torch_tanh_us'])} µs and the library's tanh "
            f"(`scaffold.fused.tanh_into`: 2 sigmoid(2x) − 1 on a CPU) {tables.number(th['library_tanh_us'])} µs")
    if th["ratio"] >= 1:
        text += (f", {fmt.factor(th['ratio'], 3)} faster; the two differ by at most "
                 f"{tables.number(th['max_abs_diff'])}. Where PyTorch's CPU tanh is this slow, it took a third "
                 "of an HSN training step's time, which is why the library has its own.")
    else:
        text += (f": here PyTorch's is the faster, by {fmt.factor(1 / th['ratio'], 3)} (the two differ by at "
                 f"most {tables.number(th['max_abs_diff'])}). The library's tanh was written on a processor "
                 "where PyTorch's tanh was several times slower and alone took a third of an HSN training step's "
                 "time; on this one the library's costs the HSN a little time instead. It is kept on every processor so that the trained "
                 "numbers do not depend on which tanh a processor favours.")
    return text, {}


def plan_paragraph(report: dict):
    """How the cold build's up-front training divides over the model families."""
    cold = cold_book(report)
    plan = plan_table(report)
    if "plan_s" not in cold or plan.empty:
        return None
    prof = cold["plan_profile"]
    top = prof["top_jobs"][0]
    text = (f"Of the cold build, training every section's sweeps up front took "
            f"{tables.number(cold['plan_s'])} s: {fmt.int_(prof['jobs'])} jobs, {fmt.int_(prof['members'])} "
            f"trained models and {tables.number(prof['job_seconds'])} job-seconds spread over the cores "
            f"({ref('plan')}). The costliest job, {top['model']} on {top['task']}, "
            f"took {tables.number(top['seconds'])} s alone. The sections then only read the cache.\n\n"
            + placed("plan", "Training time of the cold build's plan by model family (job-seconds, "
                             "summed over the jobs; the cores share them)."))
    return text, {"plan": plan}


def goals_paragraph(report: dict):
    """The speed targets: how many this report meets, and the test suite's time."""
    goals = report.get("goals")
    if not goals:
        return None
    met, unmeasured = sum(1 for g in goals if g["met"]), sum(1 for g in goals if g["met"] is None)
    t = report.get("test") or {}
    seconds = t.get("seconds")
    split = (f" (unit tests {tables.number(t['unit_tests_s'])} s, the quick book's training "
             f"{tables.number(t['plan_s'])} s, the browser check {tables.number(t['browser_s'])} s; "
             "the quick sections and the site fill the rest)"
             if all(k in t for k in ("unit_tests_s", "plan_s", "browser_s")) else "")
    test = ("" if seconds is None else
            f" `make test`, run as CI runs it with an empty cache, took {tables.number(seconds)} s{split}.")
    text = (f"**Speed targets.** The project set itself {len(goals)} speed targets; this report "
            f"meets {met} of them{f' and did not measure {unmeasured}' if unmeasured else ''} "
            f"({ref('goals')}).{test} A missed target is listed with how far it is missed, not "
            "hidden: as a percentage of the target, or as a factor when it is missed twice over "
            "or more.\n\n"
            + placed("goals", "The speed targets, as this report measured them (`make bench`)."))
    return text, {"goals": goals_table(report)}


# --- a recorded report (tools/records/) --------------------------------------------

def _repo_path(path) -> str:
    """A kept report's path as the repository names it (its name alone if it lies elsewhere)."""
    path = Path(path)
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def what_was_measured(record: dict) -> str:
    """One sentence on what a recorded report's figures are: machine, versions, date, where kept."""
    where = _repo_path(record["file"])
    return (f"These figures were measured on an {record.get('gpu', 'unnamed GPU')} with "
            f"{count(int(record.get('threads', 0)), 'CPU thread')}, torch {record.get('torch')} and "
            f"Python {record.get('python')} (that machine's own, not this book's pins), on "
            f"{record.get('date', 'an unrecorded date')}, and are recorded "
            f"in `{where}`: they are not re-measured when this book is built, because a reader's "
            "machine has no such GPU.")


def recorded(record: dict | None, earlier: dict | None = None) -> tuple[Markdown, dict]:
    """The passage on a recorded GPU report and the tables it places, or a plain line saying
    there is none.  ``earlier``: the report recorded before it, quoted beside its figures."""
    if not record:
        return Markdown("No measurement on a GPU is recorded in this repository."), {}
    goals = record.get("goals") or []
    met = sum(1 for g in goals if g["met"])
    measured = sum(1 for g in goals if g["met"] is not None)
    opening = (f"{what_was_measured(record)} Of the {measured} speed targets measured there, {met} "
               f"{'is' if met == 1 else 'are'} met ({ref('gpu-goals')}). (To fit a short "
               "loan of the machine, they were measured in parts by `tools/gpu_check.py` and joined with "
               "`tools/bench.py --merge`; the same tool checks that replayed and eager training give the "
               "same members.)")
    parts = [(opening, {}), recorded_book(record, earlier), recorded_ensemble(record),
             recorded_throughput(record), recorded_floor(record, earlier)]
    frames = {name: fn(record) for name, fn in (("gpu-goals", goals_table), ("gpu-ensemble", ensemble_table),
                                                ("gpu-throughput", throughput_table))
              if record.get(name.removeprefix("gpu-"))}
    captions = {"gpu-goals": "The speed targets on the GPU machine.",
                "gpu-ensemble": "Stacked, vmap and one-by-one training on the GPU.",
                "gpu-throughput": "Members per second on the GPU, by stack size limit. " + UNSPLIT}
    parts += [(placed(name, captions[name]), {name: frame}) for name, frame in frames.items()]
    return passage(parts, provenance.data_links(Path(record["file"])).markdown())


def _earlier(earlier: dict | None, what: str) -> str:
    """' The record before it, of DATE, WHAT.', or nothing without an earlier record."""
    return f" The record before it, of {earlier.get('date', 'an unrecorded date')}, {what}." if earlier else ""


def recorded_book(record: dict, earlier: dict | None = None):
    """The cold book build on the GPU machine."""
    book = cold_book(record)
    if not book:
        return None
    plan = f", of which {tables.number(book['plan_s'])} s trained every sweep on the GPU" if "plan_s" in book else ""
    before = cold_book(earlier)
    if before:
        whole = "the plan and the sections" if "html" in before else "the whole `make book`, its HTML step included"
        before = _earlier(earlier, f"timed {whole}: {tables.number(before['seconds'])} s")
    if "html" in book:  # timed by tools/gpu_check.py --book: the plan and the sections alone
        what = ("The plan and the sections of `make book DEVICE=cuda` (`make sweeps`, then "
                "`make -j2 notebooks`) took")
        after = (" The HTML step was not timed there: it trains nothing and runs on the CPU "
                 "alone, and the two-core figures above include it.")
    else:
        what, after = "`make book DEVICE=cuda` took", ""
    return (f"**Cold book on the GPU machine.** {what} {tables.number(book['seconds'])} s from an empty "
            f"cache{plan}. The sections themselves run on its CPU cores.{after}{before}"), {}


def recorded_ensemble(record: dict):
    """Stacked ensembles on the GPU."""
    ens = record.get("ensemble") or []
    if not ens:
        return None
    one = " (one run each: the lease was short)" if {e.get("repeats") for e in ens} == {1} else ""
    speedups = ", ".join(f"{fmt.factor(e['speedup'], 3)} for the {e['model']}" for e in ens)
    return (f"**Stacked ensembles on the GPU**{one} ({ref('gpu-ensemble')}): training "
            f"{ens[0]['members']} members stacked rather than one at a time was faster by {speedups}. "
            "A GPU step costs about the same for one member or twenty, so stacking gains more there "
            "than on CPU cores. " + _gpu_agreement(ens)), {}


def _gpu_agreement(ens: list) -> str:
    """How far stacked and one-by-one members differ on a GPU, from the record's per-model
    largest difference in a member's test metric."""
    diffs = [(e["model"], e["max_abs_metric_diff"]) for e in ens if "max_abs_metric_diff" in e]
    if not diffs:
        return ("Stacked and one-by-one runs need not agree exactly on a GPU: its batched and single "
                "products sum in different orders.")
    if all(d == 0 for _, d in diffs):
        return "Every member's test metric came out the same both ways."
    worst = max(diffs, key=lambda x: x[1])
    lit = (" The literal HSN is a reading that does not train (degenerate, in the audit's word): its "
           "members' outcomes turn on rounding, so a member and its twin can end far apart."
           if "literal" in worst[0] and worst[1] > 0.05 else "")
    return ("Stacked and one-by-one runs do not agree exactly on a GPU: its batched and single products "
            "sum in different orders. The largest difference in a member's test metric was "
            + fmt.listed(f"{tables.number(d)} for the {m}" for m, d in diffs) + "." + lit)


def recorded_throughput(record: dict):
    """Members per second on the GPU."""
    if not record.get("throughput"):
        return None
    thr = throughput_table(record)
    best = thr.loc[thr.members_per_s.idxmax()]
    return (f"**Throughput on the GPU** ({ref('gpu-throughput')}): up to "
            f"{tables.number(best.members_per_s)} members per second with {fmt.int_(best.members)} members in "
            f"stacks of at most {fmt.int_(best.max_members)}. Stacks of the CPU's size (160) leave the GPU "
            "waiting on kernel launches, which is why a GPU's stacks are larger "
            "(`scaffold.sweep.MAX_MEMBERS`)."), {}


def recorded_floor(record: dict, earlier: dict | None = None):
    """The core sweep against its matrix-product floor on the GPU."""
    cs = record.get("core_sweep")
    if not cs:
        return None
    text = (f"The core sweep took {tables.number(cs['seconds'])} s there, against a matrix-product floor of "
            f"{tables.number(cs['floor_s'])} s ({tables.number(cs['matmul_gflops'])} GFLOP/s): a ratio of "
            f"{fmt.factor(cs['ratio_to_floor'], 3)}")
    if cs.get("cuda_graphs"):
        old = (earlier or {}).get("core_sweep")
        how = "with" if old and old.get("cuda_graphs") else "made before the replay, without"
        before = _earlier(earlier, f"{how} graphs, had {tables.number(old['seconds'])} s against a floor of "
                                   f"{tables.number(old['floor_s'])} s ({fmt.factor(old['ratio_to_floor'], 3)})"
                                   ) if old else ""
        return (text + f", with each epoch replayed as a CUDA graph; without the replay it took "
                f"{tables.number(cs['seconds_eager'])} s ({fmt.factor(cs['ratio_to_floor_eager'], 3)}).{before} "
                "What remains is the GPU running each epoch's many small kernels one after another, and the "
                "host's work around them (drawing the data, the capture, the evaluation). The target on a "
                "GPU is 50× rather than the CPU's 4×: the floor is the GPU's rate for large matrix "
                "products, which models 16 to 64 units wide cannot approach."), {}
    return (text + ". On a GPU these 16-to-64-unit models are bound by kernel launches, not arithmetic. "
            "This report was made before training replayed its epochs as CUDA graphs, and no GPU has "
            "been at hand since to measure that replay on: its figures are still to come. On the CPU "
            "the replay is checked with a stand-in for the capture, and trains bit for bit as the "
            "plain loop does (`tests/test_cudagraph.py`)."), {}
