/* Live notifications on every page of a signed-in member (webapp.chat): one Socket.IO
   connection, shared with chat.js as SH.socket. The server sends `notification`
   {unread_count, title, link, kind} to the member's own room after the action commits. */
(function () {
  "use strict";
  if (typeof window.io !== "function") { return; }
  var socket = window.io({ reconnectionDelayMax: 10000 });
  window.SH = window.SH || {};
  window.SH.socket = socket;

  function badge() {
    var link = document.getElementById("nav-notifications");
    if (!link) { return null; }
    var el = document.getElementById("unread-count");
    if (!el) {
      el = document.createElement("span");
      el.id = "unread-count";
      el.className = "badge rounded-pill text-bg-danger";
      link.appendChild(document.createTextNode(" "));
      link.appendChild(el);
    }
    return el;
  }

  // Logged out in another tab: this page's socket stops (the server refuses it anyway).
  socket.on("session_ended", function () { socket.disconnect(); });

  socket.on("notification", function (data) {
    if (!data || typeof data.unread_count !== "number") { return; }
    var el = badge();
    if (!el) { return; }
    el.textContent = String(data.unread_count);
    el.hidden = data.unread_count === 0;
    el.setAttribute("title", data.title ? "新通知：" + data.title : "");
  });
})();
