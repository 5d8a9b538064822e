/* Sortable, filterable tables (scaffold.runtime.tables.full_table), no library needed.
 *
 * A .table-box holds a filter input and a table.sortable: typing hides the rows
 * that do not contain the text; clicking a header sorts by that column, numbers
 * as numbers (the book prints "−0.374", "4,417", "9.77 × 10⁻⁵"), text naturally.
 * A row's expandable part (tr.row-details, right after it) moves and hides with it,
 * and the filter searches it too.  Every book table that is wider than its column
 * gets a line above it saying that more columns lie to the right.
 */
(function () {
  "use strict";
  var SUP = {"⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
             "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"};

  function value(cell) {
    var t = cell.textContent.trim().replace(/\u2212/g, "-").replace(/,/g, "");
    var m = t.match(/^(-?\d*\.?\d+)(?:\s*×\s*10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/);
    if (!m) return null;
    var exp = m[2] ? Number(m[2].split("").map(function (c) { return SUP[c]; }).join("")) : 0;
    return Number(m[1]) * Math.pow(10, exp);
  }

  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});

  function sortBy(table, col, th) {
    var body = table.tBodies[0];
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = records(table);
    rows.sort(function (a, b) {
      var x = a.cells[col], y = b.cells[col];
      var vx = value(x), vy = value(y), r;
      if (vx !== null && vy !== null) r = vx - vy;
      else if (vx !== null) r = -1;          // numbers before dashes and text
      else if (vy !== null) r = 1;
      else r = collator.compare(x.textContent, y.textContent);
      return asc ? r : -r;
    });
    rows.forEach(function (r) {
      body.appendChild(r);
      if (r._details) body.appendChild(r._details);
    });
  }

  // The table's rows, each with its expandable part (if any) as ._details.
  function records(table) {
    var out = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      if (r.classList.contains("row-details")) {
        if (out.length) out[out.length - 1]._details = r;
      } else {
        out.push(r);
      }
    });
    return out;
  }

  function setup(box) {
    var table = box.querySelector("table.sortable");
    if (!table || !table.tHead) return;
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      th.classList.add("sort-head");
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, col, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, col, th); }
      });
    });
    var input = box.querySelector("input.table-filter");
    var count = box.querySelector(".table-count");
    var rows = records(table);
    var update = function () {
      var q = input ? input.value.trim().toLowerCase() : "";
      var shown = 0;
      rows.forEach(function (r) {
        var text = r.textContent + (r._details ? " " + r._details.textContent : "");
        var ok = !q || text.toLowerCase().indexOf(q) >= 0;
        r.hidden = !ok;
        if (r._details) r._details.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      if (count) count.textContent = shown + " of " + rows.length + " rows";
    };
    if (input) input.addEventListener("input", update);
    update();
  }

  // A table wider than its column scrolls inside its box (tables.css); a line above it
  // says so while columns are hidden to the right, and goes once the reader reaches them.
  function hint(box) {
    var tip = document.createElement("div");
    tip.className = "scroll-hint";
    tip.textContent = "More columns to the right: scroll the table sideways \u2192";
    box.parentNode.insertBefore(tip, box);
    var update = function () {
      tip.hidden = box.scrollWidth - box.clientWidth - box.scrollLeft <= 2;
    };
    box.addEventListener("scroll", update, {passive: true});
    window.addEventListener("resize", update);
    update();
  }

  function start() {
    document.querySelectorAll(".table-box").forEach(setup);
    document.querySelectorAll(".table-scroll").forEach(hint);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
