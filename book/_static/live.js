/* Live figures (scaffold.runtime.live): draw each .live-figure box with plotly.
 *
 * The box holds a static PNG and the figure's JSON spec.  On pages that have a
 * box, plotly.min.js is loaded from this site's _static folder (never a CDN),
 * each figure is drawn, and its PNG is hidden; if anything fails the PNG stays.
 * Colours follow the theme's light/dark switch (html[data-theme]): text and grids
 * here, and the figure's own ink and greys through its spec's darkColors map.
 * A spec may carry a phone version: a narrow layout, and its own traces (narrowData).
 */
(function () {
  "use strict";
  var here = document.currentScript ? document.currentScript.src : "";

  function dark() {
    return document.documentElement.dataset.theme === "dark";
  }

  // Theme-dependent layout keys for every axis of a figure.
  function themed(layout) {
    var ink = dark() ? "#e6e6e6" : "#222222";
    var grid = dark() ? "rgba(255,255,255,0.14)" : "rgba(0,0,0,0.10)";
    var keys = {"font.color": ink, "legend.font.color": ink, "modebar.bgcolor": "rgba(0,0,0,0)",
                "modebar.color": dark() ? "#aaaaaa" : "#555555",
                "modebar.activecolor": ink};
    Object.keys(layout).forEach(function (k) {
      if (/^[xy]axis\d*$/.test(k)) {
        keys[k + ".gridcolor"] = grid;
        keys[k + ".zerolinecolor"] = grid;
        keys[k + ".linecolor"] = grid;
      }
    });
    (layout.annotations || []).forEach(function (_, i) {
      keys["annotations[" + i + "].font.color"] = ink;
    });
    return keys;
  }

  function apply(layout, keys) {
    Object.keys(keys).forEach(function (path) {
      var parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
      var o = layout;
      for (var i = 0; i < parts.length - 1; i++) {
        if (o[parts[i]] === undefined) o[parts[i]] = {};
        o = o[parts[i]];
      }
      o[parts[parts.length - 1]] = keys[path];
    });
    return layout;
  }

  // Colours of the figure's own marks for the dark page (ink and greys; model colours stay).
  function recolor(value, map) {
    if (typeof value === "string") return map.hasOwnProperty(value) ? map[value] : value;
    if (Array.isArray(value)) return value.map(function (v) { return recolor(v, map); });
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = recolor(value[k], map); });
      return out;
    }
    return value;
  }

  // The phone layout (one panel per row) when the box is narrow and the figure has one.
  function pick(plot) {
    var spec = plot._spec;
    var narrow = spec.narrow && plot.parentNode.clientWidth < spec.narrowBelow;
    plot._narrow = !!narrow;
    var layout = JSON.parse(JSON.stringify(narrow ? spec.narrow : spec.layout));
    plot.style.height = (layout.height || 420) + "px";
    layout = apply(layout, themed(layout));
    return dark() && spec.darkColors ? recolor(layout, spec.darkColors) : layout;
  }

  // The traces to draw: the phone's own, if it has them; recoloured for a dark page.
  function traces(plot) {
    var spec = plot._spec;
    var data = plot._narrow && spec.narrowData ? spec.narrowData : spec.data;
    return dark() && spec.darkColors ? recolor(data, spec.darkColors) : data;
  }

  function redraw(plot) {
    var layout = pick(plot);
    return window.Plotly.react(plot, traces(plot), layout, plot._spec.config || {});
  }

  function resize() {
    document.querySelectorAll(".live-figure[data-drawn] .live-plot").forEach(function (plot) {
      var spec = plot._spec;
      var narrow = spec.narrow && plot.parentNode.clientWidth < spec.narrowBelow;
      if (!!narrow !== plot._narrow) redraw(plot);
    });
  }

  function draw(box) {
    var specEl = box.querySelector("script.live-spec");
    var img = box.querySelector("img.live-static");
    if (!specEl || box.dataset.drawn) return;
    var spec = JSON.parse(specEl.textContent);
    var plot = document.createElement("div");
    plot.className = "live-plot";
    plot.setAttribute("role", "img");
    if (img && img.alt) plot.setAttribute("aria-label", img.alt);
    box.appendChild(plot);
    plot._spec = spec;
    var layout = pick(plot);
    window.Plotly.newPlot(plot, traces(plot), layout, spec.config || {}).then(function () {
      box.dataset.drawn = "1";
      if (img) img.hidden = true;
    }, function (err) {
      plot.remove();
      console.warn("live figure not drawn, static image kept:", err);
    });
  }

  function retheme() {
    document.querySelectorAll(".live-figure[data-drawn] .live-plot").forEach(function (plot) {
      if (plot._spec.darkColors) redraw(plot);
      else window.Plotly.relayout(plot, themed(plot.layout || {}));
    });
  }

  function start() {
    var boxes = document.querySelectorAll(".live-figure");
    if (!boxes.length) return;
    var go = function () {
      boxes.forEach(draw);
      new MutationObserver(retheme).observe(document.documentElement,
        {attributes: true, attributeFilter: ["data-theme"]});
      window.addEventListener("resize", resize);
    };
    if (window.Plotly) return go();
    var s = document.createElement("script");
    s.src = here.replace(/live\.js(\?.*)?$/, "plotly.min.js");
    s.onload = go;
    s.onerror = function () { console.warn("plotly.min.js missing: static images kept"); };
    document.head.appendChild(s);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
