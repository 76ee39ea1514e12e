/* The salons report chart: the table's rows (data-* attributes) drawn with the vendored
 * Chart.js as salons per discipline and the share of hosts and speakers under 45.
 * Without JavaScript the table alone remains, which is also what screen readers read. */
(function () {
  "use strict";

  function draw(canvas) {
    var table = document.getElementById(canvas.dataset.source);
    if (!table || typeof window.Chart === "undefined") {
      return;
    }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-discipline]"), 0, -1);
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      data: {
        labels: rows.map(function (r) { return r.dataset.discipline; }),
        datasets: [
          { type: "bar", label: "场次", yAxisID: "y", backgroundColor: "#0d6efd",
            data: rows.map(function (r) { return Number(r.dataset.salons) || 0; }) },
          { type: "line", label: "45 岁以下占比（%）", yAxisID: "y1", borderColor: "#198754", backgroundColor: "#198754",
            data: rows.map(function (r) {
              var people = Number(r.dataset.people) || 0;
              return people ? Math.round(1000 * Number(r.dataset.young) / people) / 10 : null;
            }) }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: reduceMotion ? false : { duration: 400 },
        scales: {
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "场次" } },
          y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                title: { display: true, text: "%" } }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-source]").forEach(draw);
})();
