// The write / edit page of a suggestion, progressively enhanced (without JavaScript the
// form simply posts):
// - 预览: the body rendered by the server with the same Markdown → bleach pipeline as the
//   suggestion's page (a CSRF-protected POST);
// - similar suggestions by title, so people co-sign instead of writing the same thing;
// - a draft kept in this browser's localStorage while typing (per browser, never uploaded),
//   cleared by the page shown after a successful submission.
(function () {
  "use strict";
  var form = document.querySelector("form.suggestion-form");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf_token]");
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  // ------------------------------------------------------------ preview
  var previewUrl = form.getAttribute("data-preview-url");
  var preview = form.querySelector(".body-preview");
  if (previewUrl && preview && body && window.fetch) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm mt-2 preview-button";
    button.textContent = "预览";
    body.parentNode.insertBefore(button, preview);
    button.addEventListener("click", function () {
      var data = new FormData();
      data.append("body", body.value);
      fetch(previewUrl, {method: "POST", body: data, credentials: "same-origin",
                         headers: {"X-CSRFToken": csrf ? csrf.value : ""}})
        .then(function (resp) { return resp.json().then(function (json) { return {ok: resp.ok, json: json}; }); })
        .then(function (result) {
          var content = preview.querySelector(".body-preview-content");
          if (result.ok) {
            // Sanitised on the server exactly as the published page is.
            content.innerHTML = result.json.body_html || "<p class=\"text-body-secondary\">（正文为空）</p>";
          } else {
            content.textContent = (result.json.error && result.json.error.message) || "预览失败，请稍后再试";
          }
          preview.hidden = false;
        })
        .catch(function () {
          preview.querySelector(".body-preview-content").textContent = "预览失败，请检查网络后再试";
          preview.hidden = false;
        });
    });
  }

  // ------------------------------------------------------------ similar suggestions
  var similarUrl = form.getAttribute("data-similar-url");
  var similar = form.querySelector(".similar-suggestions");
  if (similarUrl && similar && title && window.fetch) {
    var list = similar.querySelector(".similar-list");
    var lastAsked = null;
    var look = debounce(function () {
      var text = title.value.trim();
      if (text.length < 4) { similar.hidden = true; return; }
      if (text === lastAsked) { return; }
      lastAsked = text;
      var url = similarUrl + "?title=" + encodeURIComponent(text);
      var exclude = form.getAttribute("data-exclude-id");
      if (exclude) { url += "&exclude_id=" + encodeURIComponent(exclude); }
      fetch(url, {credentials: "same-origin"})
        .then(function (resp) { return resp.ok ? resp.json() : {items: []}; })
        .then(function (json) {
          if (text !== lastAsked) { return; }
          list.textContent = "";
          (json.items || []).forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.target = "_blank";
            a.rel = "noopener";
            a.textContent = item.title;
            li.appendChild(a);
            var meta = document.createElement("span");
            meta.className = "text-body-secondary";
            meta.textContent = " · " + item.state_title + " · 联名 " + item.support_count;
            li.appendChild(meta);
            list.appendChild(li);
          });
          similar.hidden = list.children.length === 0;
        })
        .catch(function () { similar.hidden = true; });
    }, 400);
    title.addEventListener("input", look);
    look();
  }

  // ------------------------------------------------------------ draft in this browser
  var key = form.getAttribute("data-draft-key");
  var note = form.querySelector(".draft-note");
  var storage = null;
  try { storage = window.localStorage; storage.getItem(key); } catch (e) { storage = null; }
  if (key && storage && note) {
    var names = ["title", "body", "category_id", "addressee_id"];
    var status = note.querySelector(".draft-status");
    note.hidden = false;

    var fieldsEmpty = !(title && title.value) && !(body && body.value);
    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    // Restore only into an empty form: a form the server sent back keeps what was posted.
    if (saved && fieldsEmpty && (saved.title || saved.body)) {
      names.forEach(function (name) {
        var field = form.elements[name];
        if (field && saved[name] !== undefined) { field.value = saved[name]; }
      });
      status.textContent = "已恢复上次未提交的草稿。";
      if (title) { title.dispatchEvent(new Event("input")); }
    }
    var save = debounce(function () {
      var draft = {savedAt: new Date().toISOString()};
      names.forEach(function (name) {
        var field = form.elements[name];
        if (field) { draft[name] = field.value; }
      });
      try {
        storage.setItem(key, JSON.stringify(draft));
        status.textContent = "草稿已保存。";
      } catch (e) { status.textContent = "草稿未能保存（浏览器存储已满或被禁用）。"; }
    }, 600);
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    note.querySelector(".draft-clear").addEventListener("click", function () {
      storage.removeItem(key);
      status.textContent = "草稿已清除。";
    });
  }
})();
