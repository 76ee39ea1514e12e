/* The satisfaction chart on a leader's page.
 *
 * The figures are on the page as text (a list whose items carry data-label and
 * data-count); this draws them as a doughnut with the vendored Chart.js. Without
 * JavaScript the list alone remains, which is also what screen readers read.
 */
(function () {
  "use strict";

  var COLOURS = { satisfied: "#198754", basically: "#0dcaf0", unsatisfied: "#dc3545" };

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var items = Array.prototype.slice.call(source.querySelectorAll("[data-count]"));
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      type: "doughnut",
      data: {
        labels: items.map(function (li) { return li.dataset.label; }),
        datasets: [{
          data: items.map(function (li) { return Number(li.dataset.count) || 0; }),
          backgroundColor: items.map(function (li) { return COLOURS[li.dataset.key] || "#6c757d"; }),
          borderWidth: 2
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        cutout: "55%",
        animation: reduceMotion ? false : { duration: 400 },
        plugins: {
          // The list beside the chart, with matching swatches, is the legend.
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) { return " " + ctx.label + "：" + ctx.parsed + " 条"; }
            }
          }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-source]").forEach(draw);
})();
