// The forum's pages (科技社区):
// - a draft of the post being written, kept in this browser's localStorage while typing
//   (per thread or board, never uploaded; dropped after a successful post);
// - read tracking: once the posts of a page have been on screen, the highest number seen is
//   POSTed (the GET of the page writes nothing).
(function () {
  "use strict";
  var storage;
  try { storage = window.localStorage; } catch (e) { storage = null; }

  var root = document.getElementById("forum-thread");
  if (root && storage && root.getAttribute("data-clear-draft")) {
    try { storage.removeItem(root.getAttribute("data-clear-draft")); } catch (e) { /* storage off */ }
  }

  document.querySelectorAll("form.forum-editor[data-draft-key]").forEach(function (form) {
    if (!storage) { return; }
    var key = form.getAttribute("data-draft-key");
    var status = form.querySelector(".draft-status");
    var fields = ["title", "tags", "body"];
    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    var body = form.querySelector("[name=body]");
    if (saved && body && !body.value) {
      fields.forEach(function (name) {
        var field = form.querySelector("[name=" + name + "]");
        if (field && saved[name] && !field.value) { field.value = saved[name]; }
      });
      if (status) { status.textContent = "已恢复本浏览器保存的草稿"; }
    }
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var draft = {savedAt: new Date().toISOString()};
        fields.forEach(function (name) {
          var field = form.querySelector("[name=" + name + "]");
          if (field) { draft[name] = field.value; }
        });
        try {
          storage.setItem(key, JSON.stringify(draft));
          if (status) { status.textContent = "草稿已保存"; }
        } catch (e) { /* full or off */ }
      }, 600);
    });
  });

  if (!root || !root.getAttribute("data-read-url")) { return; }
  var url = root.getAttribute("data-read-url");
  var csrf = root.getAttribute("data-csrf");
  var highest = -1;
  var sent = -1;
  function send() {
    if (highest <= sent) { return; }
    sent = highest;
    var data = new FormData();
    data.append("number", String(highest));
    data.append("csrf_token", csrf);
    fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": csrf}})
      .catch(function () { sent = -1; });
  }
  var posts = document.querySelectorAll(".forum-post[data-number]");
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          var n = parseInt(entry.target.getAttribute("data-number"), 10);
          if (n > highest) { highest = n; }
        }
      });
    });
    posts.forEach(function (p) { observer.observe(p); });
    window.setInterval(send, 2000);
    window.addEventListener("pagehide", send);
  } else if (posts.length) {
    highest = parseInt(posts[posts.length - 1].getAttribute("data-number"), 10);
    send();
  }
}());
