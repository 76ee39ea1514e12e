/* A chat room's page made live (webapp.chat, protocol in README "Chat"): join with the last
   message id shown, so a reconnect fetches exactly what was missed (kept once by id), send
   over the socket (the form posts normally while disconnected), typing, presence, older
   messages, read markers, and staff deletion. Text is put in with DOM text nodes only. */
(function () {
  "use strict";
  var panel = document.getElementById("chat");
  var socket = window.SH && window.SH.socket;
  if (!panel || !socket) { return; }
  var room = panel.dataset.room;
  var myId = Number(panel.dataset.userId);
  var canModerate = panel.dataset.moderate === "true";
  var log = document.getElementById("chat-log");
  var scroller = document.getElementById("chat-scroll");
  var statusEl = document.getElementById("chat-status");
  var typingEl = document.getElementById("chat-typing");
  var form = document.getElementById("chat-form");
  var input = form ? form.querySelector("textarea") : null;
  var formStatus = document.getElementById("chat-form-status");
  var older = document.getElementById("chat-older");
  var live = !new URLSearchParams(window.location.search).has("before");  // an older page stays still
  var seen = {};
  var lastId = 0;
  var firstId = null;
  var linkRe = /(https?:\/\/[^\s<>"'，。！？；：、（）《》【】]+)|((?:^|[^A-Za-z0-9_.\-])@([A-Za-z0-9_][A-Za-z0-9_.\-]{2,31}))/g;

  Array.prototype.forEach.call(log.querySelectorAll("li[data-id]"), function (li) {
    var id = Number(li.dataset.id);
    seen[id] = true;
    lastId = Math.max(lastId, id);
    firstId = firstId === null ? id : Math.min(firstId, id);
  });

  function setStatus(text) { statusEl.textContent = text; }

  function nearBottom() { return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80; }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function appendText(parent, text) {
    var lines = text.split("\n");
    lines.forEach(function (line, i) {
      if (i > 0) { parent.appendChild(document.createElement("br")); }
      var last = 0;
      linkRe.lastIndex = 0;
      var m;
      while ((m = linkRe.exec(line)) !== null) {
        var start = m.index;
        var token = m[1];
        var href;
        if (m[1]) {
          href = m[1];
        } else {
          token = "@" + m[3];
          start = m.index + m[2].length - token.length;
          href = panel.dataset.profileUrl.replace("__name__", encodeURIComponent(m[3]));
        }
        parent.appendChild(document.createTextNode(line.slice(last, start)));
        var a = document.createElement("a");
        a.href = href;
        a.textContent = token;
        if (m[1]) { a.rel = "nofollow noopener"; a.target = "_blank"; } else { a.className = "chat-mention"; }
        parent.appendChild(a);
        last = start + token.length;
      }
      parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  // Shown in the site's time zone (data-tz), as the server renders the page.
  var timeFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: panel.dataset.tz || "Asia/Shanghai",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  function timeText(iso) {
    var parts = {};
    timeFormat.formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  function render(m) {
    var li = document.createElement("li");
    li.className = "chat-message" + (m.author.id === myId ? " chat-mine" : "");
    li.id = "m" + m.id;
    li.dataset.id = String(m.id);
    var meta = document.createElement("div");
    meta.className = "chat-meta small";
    var name = document.createElement("a");
    name.href = m.author.url;
    name.className = "user-link";
    name.textContent = m.author.display_name;
    meta.appendChild(name);
    var time = document.createElement("time");
    time.className = "text-body-secondary ms-1";
    time.dateTime = m.created_at;
    time.textContent = timeText(m.created_at);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    if (canModerate) {
      var del = document.createElement("button");
      del.type = "button";
      del.className = "btn btn-link btn-sm p-0 ms-2 chat-delete-button chat-delete-live";
      del.textContent = "删除";
      del.setAttribute("aria-label", "删除这条消息");
      meta.appendChild(del);
    }
    var body = document.createElement("div");
    body.className = "chat-text";
    appendText(body, m.text);
    li.appendChild(meta);
    li.appendChild(body);
    return li;
  }

  function add(messages, prepend) {
    var stick = nearBottom();
    var empty = document.getElementById("chat-empty");
    var anchor = prepend ? log.firstChild : null;
    var before = scroller.scrollHeight;
    messages.forEach(function (m) {
      if (seen[m.id]) { return; }
      seen[m.id] = true;
      if (prepend) { log.insertBefore(render(m), anchor); } else { log.appendChild(render(m)); }
      lastId = Math.max(lastId, m.id);
      firstId = firstId === null ? m.id : Math.min(firstId, m.id);
    });
    if (empty && log.children.length) { empty.remove(); }
    if (prepend) { scroller.scrollTop += scroller.scrollHeight - before; } else if (stick) { toBottom(); }
  }

  function markRead() {
    if (!lastId || document.hidden) { return; }
    socket.emit("read", { room: room, last_id: lastId });
    var item = document.querySelector('#chat-rooms li[data-room="' + room + '"] .chat-unread');
    if (item) { item.classList.add("d-none"); }
  }

  function bumpUnread(name) {
    var item = document.querySelector('#chat-rooms li[data-room="' + name + '"] .chat-unread');
    if (!item) { return; }
    var n = (parseInt(item.firstChild.textContent, 10) || 0) + 1;
    item.firstChild.textContent = String(n);
    item.classList.remove("d-none");
  }

  function join() {
    var payload = { room: room };
    if (lastId) { payload.last_id = lastId; }
    socket.emit("join", payload, function (ack) {
      if (!ack || ack.error) { setStatus(ack && ack.error ? ack.error.message : "无法加入聊天室"); return; }
      if (ack.complete === false) { window.location.reload(); return; }
      add(ack.messages || [], false);
      showPeople(ack.people || []);
      markRead();
    });
  }

  function showPeople(people) {
    var names = people.map(function (p) { return p.display_name; });
    setStatus("在线 " + names.length + " 人" + (names.length ? "：" + names.slice(0, 8).join("、") + (names.length > 8 ? " 等" : "") : ""));
  }

  if (live) {
    socket.on("connect", join);
    if (socket.connected) { join(); }
    socket.on("disconnect", function () { setStatus("连接已断开，正在重新连接…"); });
    socket.on("connect_error", function () { setStatus("无法连接聊天服务，正在重试…"); });
  } else {
    setStatus("正在查看较早的消息");
  }
  toBottom();

  socket.on("message", function (m) {
    if (m.room !== room) { bumpUnread(m.room); return; }
    if (!live) { return; }
    add([m], false);
    if (typingEl.dataset.user === String(m.author.id)) { typingEl.textContent = ""; }
    markRead();
  });
  socket.on("message_deleted", function (d) {
    if (d.room !== room) { return; }
    var li = document.getElementById("m" + d.id);
    if (li) { li.remove(); }
  });
  var typingTimer = null;
  socket.on("typing", function (d) {
    if (d.room !== room || d.user.id === myId) { return; }
    typingEl.textContent = d.user.display_name + " 正在输入…";
    typingEl.dataset.user = String(d.user.id);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingEl.textContent = ""; typingEl.dataset.user = ""; }, 4000);
  });
  socket.on("presence", function (d) { if (d.room === room && live) { showPeople(d.people); } });
  document.addEventListener("visibilitychange", markRead);

  if (form && input) {
    var lastTyping = 0;
    input.addEventListener("input", function () {
      var now = Date.now();
      if (socket.connected && now - lastTyping > 2000 && input.value.trim()) {
        lastTyping = now;
        socket.emit("typing", { room: room });
      }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
      }
    });
    form.addEventListener("submit", function (e) {
      if (!socket.connected || !live) { return; }  // without the socket the page posts the form
      e.preventDefault();
      var text = input.value;
      if (!text.trim()) { formStatus.textContent = "请输入消息内容"; input.focus(); return; }
      socket.emit("send", { room: room, text: text }, function (ack) {
        if (ack && ack.error) {
          formStatus.textContent = ack.error.message;
          input.setAttribute("aria-invalid", "true");
          return;
        }
        formStatus.textContent = "";
        input.removeAttribute("aria-invalid");
        input.value = "";
        lastTyping = 0;
        add([ack], false);
        toBottom();
        markRead();
      });
    });
  }

  if (older) {
    var loading = false;
    var loadOlder = function () {
      if (!older || loading || !socket.connected) { return false; }
      loading = true;
      socket.emit("history", { room: room, before_id: firstId }, function (ack) {
        loading = false;
        if (!ack || ack.error) { return; }
        add(ack.messages, true);
        if (!ack.has_more && older) { older.parentNode.remove(); older = null; }
      });
      return true;
    };
    older.addEventListener("click", function (e) { if (loadOlder()) { e.preventDefault(); } });
    // Scrolling up to the top of the messages loads the older ones.
    if ("IntersectionObserver" in window) {
      var seenTop = false;
      new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting && seenTop) { loadOlder(); }
        });
        seenTop = true;  // not on the first layout, where the page scrolls to the bottom
      }, { root: scroller }).observe(older);
    }
  }

  log.addEventListener("click", function (e) {
    var target = e.target;
    if (!canModerate || !socket.connected || !target.closest) { return; }
    var li = target.closest("li[data-id]");
    if (!li || !(target.classList.contains("chat-delete-live") || target.closest("form.chat-delete"))) { return; }
    if (target.tagName !== "BUTTON") { return; }
    e.preventDefault();
    if (!window.confirm("删除这条消息？")) { return; }
    socket.emit("delete", { room: room, id: Number(li.dataset.id) }, function (ack) {
      if (ack && ack.error) { setStatus(ack.error.message); }
    });
  });
})();
