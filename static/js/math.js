/* Typesets TeX math rendered by webapp/core/text.py (span.math-inline, div.math-display)
   with the vendored KaTeX. KaTeX (~280 KB with its stylesheet) is fetched only by pages that
   hold a formula. window.SHMath.typeset(root) typesets content added later (previews). */
(function () {
  "use strict";
  var script = document.currentScript;
  var jsUrl = script && script.getAttribute("data-katex-js");
  var cssUrl = script && script.getAttribute("data-katex-css");
  var loading = null;

  function load() {
    if (window.katex) { return Promise.resolve(); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = cssUrl;
      document.head.appendChild(link);
      var tag = document.createElement("script");
      tag.src = jsUrl;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
    return loading;
  }

  function typeset(root) {
    var nodes = (root || document).querySelectorAll(".math-inline:not(.math-typeset), .math-display:not(.math-typeset)");
    if (!nodes.length) { return Promise.resolve(0); }
    return load().then(function () {
      Array.prototype.forEach.call(nodes, function (node) {
        var source = node.textContent;
        try {
          window.katex.render(source, node, {
            displayMode: node.classList.contains("math-display"),
            throwOnError: false,
            output: "htmlAndMathml"
          });
          node.setAttribute("data-tex", source);
        } catch (err) {
          node.textContent = source;  // keep the source readable if KaTeX refuses it
        }
        node.classList.add("math-typeset");
      });
      return nodes.length;
    });
  }

  window.SHMath = { typeset: typeset };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { typeset(); });
  } else {
    typeset();
  }
})();
