"""The multiverse explorer: pick a level on every axis, see that reading everywhere at once.

:func:`explorer` embeds, at build time, the multiverse's per-seed test scores
(``results/multiverse.csv``), every specification curve (``results/audit_curves.csv``)
and the readings' flags (``results/readings.csv``) as one JSON block, rounded to four
significant digits, beside a small script that draws the panel.  No server, no
network, no library: it works offline from ``file://``, follows the theme's light
and dark modes (the theme's colour variables) and reflows to one column on a phone.

For the reading chosen (a select box per axis, or a named reading from a button):

- its flags: degenerate (and why), consistent with the note's numbers, ruled out,
  posterior weight;
- per task, every model's per-seed test score as dots on one scale, the mean
  marked (models whose rows do not depend on an axis -- the dense MLP -- are the
  same for every reading);
- per claim, its verdict, difference and interval under this reading, and where
  it sits on that claim's specification curve: a small curve of every reading,
  this one ringed, with its rank.

An axis does not apply to a row when the row leaves it empty (a dense MLP has no
G scale; the sine task has no swiss-roll label).
"""

from __future__ import annotations

import json
import math

import pandas as pd

from scaffold import fmt
from scaffold.runtime import style
from scaffold.runtime.speccurve import level_str

#: Significant digits kept in the embedded numbers.
DIGITS = 4


def _round(x) -> float | None:
    if fmt.missing(x):
        return None
    x = float(x)
    return x if x == 0 or not math.isfinite(x) else float(f"{x:.{DIGITS}g}")


def _blank(v) -> bool:
    return fmt.missing(v) or str(v) == ""


#: The preset the explorer opens on (when the readings carry a posterior): the reading the note's
#: own numbers point to.  The literal reading, the axes' first levels, may not train at all.
LIKELY = "most likely given the note"


def default_axes(*frames) -> list[str]:
    """The readings axes (:mod:`scaffold.readings`) present as columns of any frame, in their order."""
    from scaffold.readings import AXES

    cols = set().union(*(f.columns for f in frames if f is not None))
    return [a.key for a in AXES if a.key in cols]


def _axis_info(key: str, present) -> dict:
    """Title and levels (name, plain words) of an axis, levels in the axis's order then any others."""
    try:
        from scaffold.readings import AXIS

        ax = AXIS[key]
        names = [lv.name for lv in ax.levels if lv.name in present]
        names += sorted(p for p in present if p not in names)
        plain = {lv.name: (getattr(lv, "plain", "") or lv.name) for lv in ax.levels}
        return dict(key=key, title=ax.title, levels=[[n, plain.get(n, n)] for n in names],
                    literal=ax.literal)
    except (ImportError, KeyError):
        return dict(key=key, title=key, levels=[[n, n] for n in sorted(present)], literal=None)


def _levels_of(frames, key) -> list[str]:
    vals = []
    for f in frames:
        if f is not None and key in f:
            vals += [level_str(v) for v in f[key].dropna().unique() if str(v) != ""]
    return list(dict.fromkeys(vals))


def _codes(df: pd.DataFrame, axes: list[dict]) -> list[list[int]]:
    """Per row, the level index on each axis (-1: the axis does not apply to the row)."""
    out = []
    index = [{n: i for i, (n, _) in enumerate(a["levels"])} for a in axes]
    for _, r in df.iterrows():
        out.append([-1 if a["key"] not in df or _blank(r[a["key"]]) else idx.get(level_str(r[a["key"]]), -1)
                    for a, idx in zip(axes, index)])
    return out


def _claim_text(key: str, claims: dict | None) -> str:
    if claims and key in claims:
        return claims[key]
    from scaffold.specurve import claim_words

    try:
        return claim_words(key)
    except KeyError:
        return key


def _presets(axes: list[dict], readings: pd.DataFrame | None) -> dict:
    """Named readings to jump to: the literal and repaired ones, and the one the note's numbers favour."""
    out = {}
    try:
        from scaffold import readings as R

        named = getattr(R, "NAMED", {})
    except ImportError:
        named = {}
    for name, reading in named.items():
        levels = {}
        for a in axes:
            try:
                levels[a["key"]] = reading[a["key"]]
            except KeyError:
                continue
        if levels:
            out[name] = levels
    if readings is not None and "posterior" in readings and readings["posterior"].notna().any():
        best = readings.loc[readings["posterior"].idxmax()]
        out[LIKELY] = {a["key"]: level_str(best[a["key"]]) for a in axes
                       if a["key"] in readings and not _blank(best[a["key"]])}
    return out


def data(long: pd.DataFrame, curves: pd.DataFrame, readings: pd.DataFrame | None = None,
         axes: list[str] | None = None, claims: dict | None = None, score: str = "test_metric") -> dict:
    """Everything the explorer shows, as plain JSON-ready data (see the module docstring)."""
    keys = axes or default_axes(long, curves, readings)
    frames = (long, curves, readings)
    ax = [_axis_info(k, _levels_of(frames, k)) for k in keys]
    tasks = style.task_order(long["task"].astype(str))
    task_i = {t: i for i, t in enumerate(tasks)}
    long = long.assign(_code=[tuple(c) for c in _codes(long, ax)])
    # A model is named by its family name ("HSN"), unless one reading holds several of its
    # variants (the dense MLPs matched to different budgets): then each by its own label.
    if "label" in long:
        several = long.groupby(["task", "model", "_code"])["label"].transform("nunique") > 1
        long = long.assign(_name=long["model"].astype(str).where(~several, long["label"].astype(str)))
    else:
        long = long.assign(_name=long["model"].astype(str))
    models = style.model_order(long["_name"])
    model_i = {m: i for i, m in enumerate(models)}
    groups = []
    for (task, model, code), g in long.groupby(["task", "_name", "_code"], sort=False):
        g = g.sort_values("seed") if "seed" in g else g
        groups.append(dict(t=task_i[str(task)], m=model_i[str(model)], a=list(code),
                           v=[_round(x) for x in g[score]]))
    metric = {t: str(long.loc[long.task == t, "metric"].iloc[0]) if "metric" in long else "score" for t in tasks}

    curve_out = []
    for key, cv in curves.groupby("claim", sort=False):
        used = [i for i, a in enumerate(ax) if a["key"] in cv and cv[a["key"]].notna().any()]
        cv = cv.sort_values("gain", kind="stable")
        rows = []
        for code, (_, r) in zip(_codes(cv, ax), cv.iterrows()):
            rows.append(dict(a=[code[i] for i in used], g=_round(r["gain"]), lo=_round(r["lo"]),
                             hi=_round(r["hi"]), v=str(r.get("verdict", "")),
                             d=bool(r["degenerate"]) if "degenerate" in cv and not fmt.missing(r["degenerate"])
                             else False,
                             c=bool(r["consistent"]) if "consistent" in cv and not fmt.missing(r["consistent"])
                             else False))
        margin = _round(cv["margin"].dropna().iloc[0]) if "margin" in cv and cv["margin"].notna().any() else None
        curve_out.append(dict(key=str(key), text=_claim_text(str(key), claims), axes=used, margin=margin,
                              rows=rows))

    read_out = []
    if readings is not None and len(readings):
        for code, (_, r) in zip(_codes(readings, ax), readings.iterrows()):
            read_out.append(dict(
                a=code, label=str(r.get("reading", "")),
                d=bool(r.get("degenerate", False)) if not fmt.missing(r.get("degenerate")) else False,
                why=str(r.get("degenerate_why", "") or "") if not fmt.missing(r.get("degenerate_why")) else "",
                c=bool(r.get("consistent", False)) if not fmt.missing(r.get("consistent")) else False,
                r=bool(r.get("ruled_out", False)) if not fmt.missing(r.get("ruled_out")) else False,
                p=_round(r.get("posterior"))))
    presets = _presets(ax, readings)
    return dict(axes=ax, tasks=[[t, style.task_label(t), metric[t]] for t in tasks],
                models=[[m, style.look(m).color] for m in models], scores=groups, curves=curve_out,
                readings=read_out, presets=presets, start=LIKELY if LIKELY in presets else None,
                verdicts={v: [style.verdict_look(v)["color"], style.verdict_look(v)["filled"]]
                          for v in style.VERDICTS})


class Explorer:
    """The explorer as HTML (display it, or glue it and place it with ``{glue}`` or ``{glue:figure}``)."""

    def __init__(self, payload: dict, uid: str):
        self.payload, self.uid = payload, uid

    def to_html(self) -> str:
        blob = json.dumps(self.payload, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
        return (f'<div class="explorer" id="{self.uid}" data-explorer="1">'
                f'<style>{CSS}</style>'
                '<div class="explorer-controls"></div><div class="explorer-presets"></div>'
                '<div class="explorer-flags" aria-live="polite"></div>'
                '<div class="explorer-body"><section class="explorer-scores"></section>'
                '<section class="explorer-claims"></section></div>'
                f'<script type="application/json" class="explorer-data">{blob}</script>'
                f'<script>{JS}</script></div>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        n = len(self.payload["axes"])
        return {"text/html": self.to_html(),
                "text/plain": f"<Explorer: {n} axes, {len(self.payload['curves'])} curves>"}


def explorer(long: pd.DataFrame, curves: pd.DataFrame, readings: pd.DataFrame | None = None, *,
             axes: list[str] | None = None, claims: dict | None = None) -> Explorer:
    """The multiverse explorer over ``long`` (results/multiverse.csv), ``curves``
    (results/audit_curves.csv) and ``readings`` (results/readings.csv).

    ``axes``: the axis columns to offer (default: every readings axis present);
    ``claims``: claim key -> text (default: :data:`scaffold.specurve.CLAIM`'s texts).
    """
    import hashlib

    payload = data(long, curves, readings, axes=axes, claims=claims)
    uid = "explorer-" + hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:8]
    return Explorer(payload, uid)


CSS = """
.explorer{--ex-ink:var(--pst-color-text-base,#24292f);--ex-muted:var(--pst-color-text-muted,#57606a);
--ex-line:var(--pst-color-border,#d0d7de);--ex-bg:var(--pst-color-surface,#f6f8fa);
--ex-hi:rgba(240,200,40,.35);border:1px solid var(--ex-line);border-radius:.4rem;padding:.6rem .8rem;
margin:1rem 0;font-size:.9rem;color:var(--ex-ink)}
.explorer-controls{display:flex;flex-wrap:wrap;gap:.4rem 1rem}
.explorer-controls label{display:flex;flex-direction:column;font-size:.8rem;color:var(--ex-muted);
min-width:12rem;flex:1 1 15rem;max-width:24rem}
.explorer-controls select{font-size:.9rem;padding:.15rem .3rem;color:var(--ex-ink);
background:var(--pst-color-background,#fff);border:1px solid var(--ex-line);border-radius:.25rem}
.explorer-presets{margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.explorer-presets button{font-size:.8rem;padding:.1rem .55rem;border-radius:.8rem;cursor:pointer;
border:1px solid var(--ex-line);background:var(--ex-bg);color:var(--ex-ink)}
.explorer-flags{margin:.3rem 0 .6rem;min-height:1.4em}
.explorer-flags .chip{display:inline-block;margin:0 .4rem .2rem 0;padding:0 .5rem;border-radius:.8rem;
border:1px solid var(--ex-line);font-size:.82rem}
.explorer-flags .chip.consistent{background:var(--ex-hi)}
.explorer-flags .chip.warn{border-style:dashed}
.explorer-body{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
@media (max-width:760px){.explorer-body{grid-template-columns:minmax(0,1fr)}}
.explorer h4{font-size:.95rem;margin:.2rem 0 .3rem}
.explorer .ex-task{margin-bottom:.7rem}
.explorer .ex-row{display:grid;grid-template-columns:minmax(6.5rem,38%) minmax(0,1fr) 3.6rem;
align-items:center;gap:.4rem;line-height:1.25}
.explorer .ex-row .name{font-size:.82rem;overflow-wrap:anywhere}
.explorer .ex-row .mean{font-size:.82rem;text-align:right;font-variant-numeric:tabular-nums}
.explorer svg{width:100%;height:auto;display:block;overflow:visible}
.explorer .ex-claim{display:grid;grid-template-columns:minmax(0,1fr) 9rem;gap:.2rem .6rem;
padding:.35rem 0;border-top:1px solid var(--ex-line)}
.explorer .ex-claim .what{font-size:.85rem}
.explorer .ex-claim .num{font-size:.8rem;color:var(--ex-muted);font-variant-numeric:tabular-nums}
.explorer .axis-note{font-size:.78rem;color:var(--ex-muted)}
.explorer .ex-claim svg{max-width:12rem}
@media (max-width:420px){.explorer .ex-claim{grid-template-columns:minmax(0,1fr)}}
"""

JS = r"""
(function(){
var box=document.currentScript.parentNode;
var D=JSON.parse(box.querySelector('script.explorer-data').textContent);
var MINUS='\u2212';
// the book's number style (scaffold.fmt.num): three significant digits, a true minus,
// thousands separators, scientific below 0.001
function num(x){if(x===null||x===undefined||isNaN(x))return '\u2013';if(x===0)return '0';
 var a=Math.abs(x),s;if(a>=1000)s=Math.round(x).toLocaleString('en-US');
 else if(a<1e-3){var e=Math.floor(Math.log10(a)),m=x/Math.pow(10,e);
  s=m.toFixed(2)+' \u00d7 10'+String(e).replace(/./g,function(c){return '\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079'['-0123456789'.indexOf(c)];});}
 else s=x.toPrecision(3);
 return s.replace(/-/g,MINUS);}
function signed(x){if(x===null||isNaN(x))return '\u2013';if(Math.abs(x)>=100)return (x>0?'+':MINUS)+num(Math.abs(x));for(var d=3;d<7;d++){if(Math.round(Math.abs(x)*Math.pow(10,d))!==0)
 return (x>0?'+':MINUS)+Math.abs(x).toFixed(d);}return '0.000';}
function slug(t){return String(t).toLowerCase().replace(/[^a-z0-9]+/g,'-');}
function esc(t){return String(t).replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
var sel=D.axes.map(function(a){var lit=a.levels.findIndex(function(l){return l[0]===a.literal;});return lit<0?0:lit;});
var presets=D.presets||{};
// open on the reading the note's numbers point to, where there is one: the literal reading may not train
(function(){var p=presets[D.start];if(!p)return;D.axes.forEach(function(a,i){var lv=p[a.key];if(lv===undefined)return;
 var j=a.levels.findIndex(function(l){return l[0]===lv;});if(j>=0)sel[i]=j;});})();
function applies(code,axes){for(var i=0;i<code.length;i++){var k=axes?axes[i]:i;if(code[i]>=0&&code[i]!==sel[k])return false;}return true;}
function controls(){var c=box.querySelector('.explorer-controls');c.innerHTML='';
 D.axes.forEach(function(a,i){var l=document.createElement('label');l.textContent=a.title;
  var s=document.createElement('select');s.setAttribute('data-axis',a.key);
  a.levels.forEach(function(v,j){var o=document.createElement('option');o.value=j;o.textContent=v[1];s.appendChild(o);});
  s.value=sel[i];s.addEventListener('change',function(){sel[i]=+s.value;draw();});l.appendChild(s);c.appendChild(l);});
 var p=box.querySelector('.explorer-presets');p.innerHTML='';var names=Object.keys(presets);
 if(names.length){var t=document.createElement('span');t.className='axis-note';t.textContent='Go to the reading:';p.appendChild(t);}
 names.forEach(function(n){var b=document.createElement('button');b.type='button';b.textContent=n;
  b.addEventListener('click',function(){D.axes.forEach(function(a,i){var lv=presets[n][a.key];
   if(lv===undefined)return;var j=a.levels.findIndex(function(l){return l[0]===lv;});if(j>=0)sel[i]=j;});sync();draw();});
  p.appendChild(b);});}
function sync(){box.querySelectorAll('.explorer-controls select').forEach(function(s,i){s.value=sel[i];});}
function flags(){var f=box.querySelector('.explorer-flags');var r=D.readings.filter(function(x){return applies(x.a);});
 if(!D.readings.length){f.innerHTML='';return;}
 if(!r.length){f.innerHTML='<span class="chip warn">this combination of levels is not one of the readings run</span>';return;}
 var x=r[0],h=[];
 h.push(x.d?'<span class="chip warn">degenerate'+(x.why?': '+esc(x.why):'')+' (not counted in verdicts)</span>':'<span class="chip">trains (not degenerate)</span>');
 if(x.c)h.push('<span class="chip consistent">consistent with the note\u2019s numbers</span>');
 if(x.r)h.push('<span class="chip warn">ruled out by the note\u2019s numbers</span>');
 if(x.p!==null&&x.p!==undefined)h.push('<span class="chip">posterior weight '+num(x.p)+'</span>');
 f.innerHTML=h.join('');}
function strip(vals,lo,hi,colour){var W=200,H=14,sx=function(v){return hi>lo?4+(W-8)*(v-lo)/(hi-lo):W/2;};
 var s='<svg viewBox="0 0 '+W+' '+H+'" role="img" aria-label="'+vals.length+' seeds"><line x1="2" x2="'+(W-2)+'" y1="'+H/2+'" y2="'+H/2+'" stroke="currentColor" stroke-opacity="0.2"/>';
 var m=0;vals.forEach(function(v){m+=v;s+='<circle cx="'+sx(v).toFixed(1)+'" cy="'+H/2+'" r="2.6" fill="'+colour+'" fill-opacity="0.75"/>';});
 if(vals.length){m/=vals.length;s+='<line x1="'+sx(m).toFixed(1)+'" x2="'+sx(m).toFixed(1)+'" y1="1" y2="'+(H-1)+'" stroke="currentColor" stroke-width="1.6"/>';}
 return s+'</svg>';}
function scores(){var el=box.querySelector('.explorer-scores');var h='<h4>Test score of every model, seed by seed</h4>';
 D.tasks.forEach(function(t,ti){var g=D.scores.filter(function(s){return s.t===ti&&applies(s.a);});if(!g.length)return;
  var byModel={};g.forEach(function(s){(byModel[s.m]=byModel[s.m]||[]).push.apply(byModel[s.m],s.v.filter(function(v){return v!==null;}));});
  var all=[].concat.apply([],Object.keys(byModel).map(function(k){return byModel[k];}));if(!all.length)return;
  var lo=Math.min.apply(null,all),hi=Math.max.apply(null,all);
  h+='<div class="ex-task" data-task="'+esc(t[0])+'"><div class="axis-note">'+esc(t[1])+' \u00b7 test '+esc(t[2])+' \u00b7 '+num(lo)+' to '+num(hi)+'</div>';
  Object.keys(byModel).sort(function(a,b){return a-b;}).forEach(function(mi){var v=byModel[mi],m=D.models[mi];
   var mean=v.reduce(function(a,b){return a+b;},0)/v.length;
   h+='<div class="ex-row"><span class="name">'+esc(m[0])+'</span>'+strip(v,lo,hi,m[1])+'<span class="mean">'+num(mean)+'</span></div>';});
  h+='</div>';});
 el.innerHTML=h;}
function mini(c,idx){var W=140,H=30,n=c.rows.length,g=c.rows.map(function(r){return r.g;});
 var lo=Math.min.apply(null,g.concat([-(c.margin||0)])),hi=Math.max.apply(null,g.concat([c.margin||0]));
 var sy=function(v){return hi>lo?H-3-(H-6)*(v-lo)/(hi-lo):H/2;},sx=function(i){return n>1?3+(W-6)*i/(n-1):W/2;};
 var s='<svg viewBox="0 0 '+W+' '+H+'" role="img" aria-label="rank '+(idx+1)+' of '+n+' on this curve">';
 if(c.margin)s+='<rect x="0" width="'+W+'" y="'+sy(c.margin).toFixed(1)+'" height="'+Math.max(0.5,sy(-c.margin)-sy(c.margin)).toFixed(1)+'" fill="currentColor" fill-opacity="0.12"/>';
 c.rows.forEach(function(r,i){var filled=(D.verdicts[r.v]||['',false])[1];var op=r.d?0.3:0.75;
  if(r.c)s+='<rect x="'+(sx(i)-2.2).toFixed(1)+'" width="4.4" y="0" height="'+H+'" fill="rgba(240,200,40,0.35)"/>';
  s+='<circle cx="'+sx(i).toFixed(1)+'" cy="'+sy(r.g).toFixed(1)+'" r="1.8" fill="'+(filled?'currentColor':'none')+'" stroke="currentColor" stroke-width="0.8" opacity="'+op+'"/>';});
 if(idx>=0){var r=c.rows[idx];s+='<circle class="here" cx="'+sx(idx).toFixed(1)+'" cy="'+sy(r.g).toFixed(1)+'" r="4.6" fill="none" stroke="currentColor" stroke-width="2"/>';}
 return s+'</svg>';}
function claims(){var el=box.querySelector('.explorer-claims');var h='<h4>Each claim under this reading</h4>'
 +'<div class="axis-note">Beside each claim, its specification curve: every reading sorted by the difference, '
 +'this one ringed, the grey band the margin, yellow the readings consistent with the note.</div>';
 D.curves.forEach(function(c){var idx=c.rows.findIndex(function(r){return applies(r.a,c.axes);});
  h+='<div class="ex-claim" data-claim="'+esc(c.key)+'"><div><div class="what">'+esc(c.text)+'</div>';
  if(idx<0){h+='<div class="num">not on this curve: the reading was not run for this claim</div></div><div></div></div>';return;}
  var r=c.rows[idx];
  h+='<div class="num">'+(r.d?'<span class="verdict">not judged: degenerate</span>':'<span class="verdict verdict-'+slug(r.v)+'">'+esc(r.v)+'</span>')+' '+signed(r.g)+' ['+signed(r.lo)+', '+signed(r.hi)+']'
   +' \u00b7 rank '+(idx+1)+' of '+c.rows.length+(r.d?' \u00b7 degenerate':'')+'</div></div>'+mini(c,idx)+'</div>';});
 el.innerHTML=h;}
function draw(){flags();scores();claims();box.setAttribute('data-selection',sel.join(','));}
controls();draw();
})();
"""
