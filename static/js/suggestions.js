// Suggestion pages: ask before irreversible actions (buttons with data-confirm), but only
// once the form is filled in: an incomplete form says what is missing first, and asks nothing.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (!button) return;
  var form = button.form;
  if (form && !form.checkValidity()) {
    event.preventDefault();
    form.reportValidity();
    return;
  }
  if (!window.confirm(button.getAttribute("data-confirm"))) {
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
