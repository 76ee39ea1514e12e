// Suggestion pages: ask before irreversible actions (buttons with data-confirm).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// After a successful submission the page names the draft the write form kept in this
// browser (localStorage): drop it.
(function () {
  var marker = document.querySelector("[data-clear-draft]");
  if (marker) {
    try { window.localStorage.removeItem(marker.getAttribute("data-clear-draft")); } catch (e) { /* storage off */ }
  }
})();
