// Site-wide behaviour, loaded in <head> (small and cached for a year): marks the page as
// scripted at once (the CSS of .no-js keeps menus usable without JavaScript) and, once the
// page is read, moves the focus to the error summary of a form that came back with errors.
(function () {
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    var target = summary || document.querySelector("main [aria-invalid='true']");
    if (target) {
      target.focus();
      if (target.scrollIntoView) target.scrollIntoView({ block: "center" });
    }
  });

  // A link of the error summary puts the focus in its field, not only the view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });
})();
