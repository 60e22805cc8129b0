// Expanding a node of the organisation tree loads its children once.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!details.matches || !details.matches("details[data-children-url]") || !details.open) return;
  var target = details.querySelector("ul[data-children]");
  if (!target || target.dataset.loaded) return;
  target.dataset.loaded = "1";
  fetch(details.dataset.childrenUrl, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (html) { target.innerHTML = html; });
}, true);
