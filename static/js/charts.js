// Draws every chart of the page from its JSON block (unionportal/lib/charts.py). Charts carry no inline
// script, so the Content-Security-Policy runs only the portal's own files. Loaded with `defer` from
// base.html: it runs once the page is parsed, after a plotly.min.js that the page loads.
(function () {
  "use strict";

  function draw() {
    if (typeof Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("div.plotly-chart[data-figure]").forEach(function (box) {
      var spec = JSON.parse(document.getElementById(box.dataset.figure).textContent);
      Plotly.newPlot(box, spec.figure.data, spec.figure.layout, spec.config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
