// Draws every plotly figure the page carries as JSON (unionportal/lib/charts.py).
// Loaded with `defer` after plotly.min.js, so Plotly exists when DOMContentLoaded fires.
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll(".chart[data-chart]").forEach(function (container) {
      var source = container.querySelector("script.chart-figure");
      if (!source || container.dataset.drawn) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      var target = document.createElement("div");
      container.appendChild(target);
      window.Plotly.newPlot(target, spec.data || [], spec.layout || {}, spec.config || {});
      container.dataset.drawn = "1";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
