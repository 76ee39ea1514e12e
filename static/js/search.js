/* The nav bar's search box: title suggestions as you type (debounced), in the ARIA 1.2
   combobox pattern — arrows move through the list, Enter opens the chosen title, Escape
   closes the list; without a choice, Enter submits the search as typed. */
(function () {
  "use strict";
  var input = document.getElementById("nav-search-q");
  var list = document.getElementById("nav-search-list");
  if (!input || !list || !window.fetch) return;
  var url = input.getAttribute("data-suggest-url");
  var timer = null, active = -1, items = [], latest = 0;

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function mark(index) {
    items.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
      li.classList.toggle("active", i === index);
    });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function show(hits) {
    list.textContent = "";
    items = hits.map(function (hit, i) {
      var li = document.createElement("li");
      li.id = "nav-search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "list-group-item list-group-item-action small";
      li.dataset.url = hit.url;
      var label = document.createElement("span");
      label.className = "badge text-bg-light border me-1";
      label.textContent = hit.type_label;
      li.appendChild(label);
      li.appendChild(document.createTextNode(hit.title));
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the box until we navigate
        window.location.href = hit.url;
      });
      list.appendChild(li);
      return li;
    });
    if (!items.length) { close(); return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function lookup() {
    var q = input.value.trim();
    if (!q) { close(); return; }
    var ticket = ++latest;
    fetch(url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (data) { if (ticket === latest) show(data.items || []); })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      mark((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      mark(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].dataset.url;
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
