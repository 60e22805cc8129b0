// The collection page: rows of running collections poll their counters and refresh until finished.
(function () {
  "use strict";
  var rows = document.querySelectorAll("tr[data-progress-url]");
  var formatter = new Intl.NumberFormat("ru-RU");
  rows.forEach(function (row) {
    var url = row.getAttribute("data-progress-url");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          row.querySelectorAll("[data-field]").forEach(function (cell) {
            var value = data[cell.getAttribute("data-field")];
            if (value === undefined) { return; }
            cell.textContent = typeof value === "number" ? formatter.format(value) : value;
          });
          if (data.finished) { window.location.replace(window.location.pathname); }
          else { window.setTimeout(poll, 2000); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
