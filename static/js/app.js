/* Site behaviour without inline scripts: charts drawn from json_script data (their words, in the page's
   language, come with the data as `names`), sortable tables.
   Runs on load and for all content htmx adds, so lazily loaded panels get their charts too. */
(function () {
  "use strict";

  var COLOURS = { red: "#dc3545", amber: "#ffc107", grey: "#6c757d", green: "#198754", blue: "#0d6efd", purple: "#6f42c1", teal: "#20c997" };

  function data(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  var builders = {
    census: function (d) {
      return { type: "doughnut", data: { labels: d.names.census, datasets: [{ data: [d.census.full, d.census.partial, d.census.self_care, d.census.orphans], backgroundColor: [COLOURS.purple, COLOURS.blue, COLOURS.teal, COLOURS.amber] }] }, options: { maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } } };
    },
    "required-actual": function (d) {
      return { type: "line", data: { labels: d.labels, datasets: [
        { label: d.names.required, data: d.required, borderColor: COLOURS.red, stepped: true, pointRadius: d.labels.length > 10 ? 0 : 3 },
        { label: d.names.actual, data: d.actual, borderColor: COLOURS.green, stepped: true, pointRadius: d.labels.length > 10 ? 0 : 3 }
      ] }, options: { scales: { y: { beginAtZero: true } }, plugins: { legend: { position: "bottom" } } } };
    },
    counties: function (d) {
      var c = d.counties;
      return { type: "bar", data: { labels: c.labels, datasets: [
        { label: d.names.below, data: c.below, backgroundColor: COLOURS.red },
        { label: d.names.no_data, data: c.no_data, backgroundColor: COLOURS.grey },
        { label: d.names.compliant, data: c.compliant, backgroundColor: COLOURS.green }
      ] }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } } };
    },
    levels: function (d) {
      var names = d.names;
      var shades = [COLOURS.grey, "#cfe2ff", "#9ec5fe", "#6ea8fe", "#3d8bfd", "#0a58ca"];
      return { type: "bar", data: { labels: d.labels, datasets: d.levels.map(function (counts, level) {
        return { label: names[level], data: counts, backgroundColor: shades[level] };
      }) }, options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } } };
    },
    trend: function (d) {
      return { type: "line", data: { labels: d.trend.labels, datasets: [{ label: d.names.rate, data: d.trend.rate, borderColor: COLOURS.blue, pointRadius: d.trend.labels.length > 10 ? 0 : 3, spanGaps: true }] }, options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } } };
    }
  };

  function drawCharts(root) {
    if (typeof Chart === "undefined") { return; }
    Chart.defaults.animation = false;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var d = data(canvas);
      var build = builders[canvas.dataset.chart];
      if (d && build) { new Chart(canvas, build(d)); canvas.dataset.drawn = "1"; }
    });
  }

  function sortable(root) {
    root.querySelectorAll("table.sortable thead th").forEach(function (th, index) {
      if (th.dataset.sortReady) { return; }
      th.dataset.sortReady = "1";
      th.setAttribute("role", "button");
      th.tabIndex = 0;
      var ascending = true;
      function sort() {
        var body = th.closest("table").tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].innerText.trim(), y = b.cells[index].innerText.trim();
          var nx = parseFloat(x), ny = parseFloat(y);
          var result = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh-Hans-CN");
          return ascending ? result : -result;
        });
        ascending = !ascending;
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
    });
  }

  /* A table wider than the screen scrolls inside its box; the box takes keyboard focus so it can be
     scrolled without a mouse (WCAG 2.1.1), and is named after its card's heading. */
  function scrollBoxes(root) {
    var boxes = Array.prototype.slice.call(root.querySelectorAll(".table-responsive"));
    if (root.matches && root.matches(".table-responsive")) { boxes.push(root); }
    boxes.forEach(function (box) {
      if (box.dataset.scrollReady) { return; }
      box.dataset.scrollReady = "1";
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      var card = box.closest(".card");
      var heading = card && card.querySelector(".card-header, h2, h3");
      var caption = box.querySelector("caption");
      box.setAttribute("aria-label", ((caption || heading || document.querySelector("h1") || {}).textContent || document.title).trim());
    });
  }

  /* A list table becomes cards on a phone (app.css): each cell carries its column's header as data-label,
     and the table keeps its roles, which a screen reader would lose once CSS changes the display. */
  function cardTables(root) {
    var tables = Array.prototype.slice.call(root.querySelectorAll("table.table-cards"));
    if (root.matches && root.matches("table.table-cards")) { tables.push(root); }
    tables.forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.setAttribute("role", "table");
      Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) { group.setAttribute("role", "rowgroup"); });
      Array.prototype.forEach.call(table.rows, function (row) {
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.tagName === "TH") { cell.setAttribute("role", row.parentNode.tagName === "THEAD" ? "columnheader" : "rowheader"); return; }
          cell.setAttribute("role", "cell");
          if (headers[index] && !cell.hasAttribute("colspan")) { cell.dataset.label = headers[index]; }
        });
      });
    });
  }

  function init(root) { drawCharts(root); sortable(root); scrollBoxes(root); cardTables(root); }

  /* Irreversible actions ask first: a form or its submit button carries data-confirm with the words
     that name what cannot be undone; declining leaves the page as it was. */
  document.addEventListener("submit", function (event) {
    var source = (event.submitter && event.submitter.dataset.confirm) ? event.submitter : event.target;
    var question = source.dataset ? source.dataset.confirm : null;
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
  /* A facility filter's search box only fetches the select's options (facilities/picker.py): what is
     typed there is not a change of the filters, so its change event never reaches the filter form. */
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-picker-search]")) { event.stopPropagation(); }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    if (event.target.closest("[data-action=print]")) { window.print(); }
    /* "Select all on this page": ticks every box of that name, or clears them when all are ticked. */
    var selectAll = event.target.closest("[data-select-all]");
    if (selectAll) {
      var boxes = Array.prototype.slice.call(document.querySelectorAll("input[type=checkbox][name='" + selectAll.dataset.selectAll + "']"));
      var tick = boxes.some(function (box) { return !box.checked; });
      boxes.forEach(function (box) { box.checked = tick; });
    }
  });
  /* After a refused submit the summary of what to correct takes focus, so it is read first (each line links to
     its field). */
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); focusErrors(); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  /* What an htmx swap changed is read out (WCAG 4.1.3): the new content's [data-announce] (a list's count, a
     run's progress, a computed category) goes to the page's one live region, which is there before the swap
     so screen readers notice the change; the same words twice are not repeated. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt, announcer = document.getElementById("announcer");
    if (root && !root.isConnected && root.id) { root = document.getElementById(root.id); }  /* an outerHTML swap */
    if (!announcer || !root || !root.querySelector) { return; }
    var source = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
    var words = source ? source.textContent.trim().replace(/\s+/g, " ") : "";
    if (words && announcer.textContent !== words) { announcer.textContent = words; }
  });
})();
