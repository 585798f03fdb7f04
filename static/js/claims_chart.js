/* The claims overview chart: amounts by county, stacked by subsidy item, from json_script data
   (no inline script under the site's CSP). */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#6f42c1", "#ffc107", "#20c997"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined" || canvas.dataset.drawn) { return; }
    var d = JSON.parse(source.textContent);
    Chart.defaults.animation = false;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: {
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: !!canvas.dataset.unit, text: canvas.dataset.unit } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-claims-chart]").forEach(draw);
  });
})();
