/*
 * calmdesk chat widget: vanilla JS, no build step, no inline script (works under a strict CSP).
 *
 * Embed:  <link rel="stylesheet" href="https://support.example.com/static/chat/widget.css">
 *         <script src="https://support.example.com/static/chat/widget.js" defer></script>
 * Options (data-* attributes on that <script> tag):
 *   data-calmdesk-url    base URL of the calmdesk web app (default: where widget.js came from)
 *   data-calmdesk-title  heading of the chat panel (default "Chat with us")
 * Any element with a data-calmdesk-open attribute opens the chat when clicked.
 * The socket.io client (static/vendor/socket.io-client/socket.io.min.js) is loaded if the page has not.
 *
 * Stable selectors (used by the browser tests; keep them):
 *   #chat-launcher      the round button that opens / closes the panel (aria-expanded)
 *   #chat-panel         the chat panel (hidden attribute while closed)
 *   #chat-log           the message list (role="log", aria-live="polite")
 *   .msg                one message, with exactly one of .msg-user .msg-bot .msg-agent .msg-system
 *   .msg-text           the message's text (always set with textContent)
 *   .msg-buttons button quick-reply buttons under a bot message (click sends the payload, shows the title)
 *   #chat-typing        the typing indicator (hidden attribute while nobody is typing)
 *   #chat-input         the labelled text input
 *   #chat-send          the send button
 *   #chat-status        connection status line ("Reconnecting…"), empty when connected
 *   #chat-close         the close button inside the panel
 *
 * How it talks:
 *   POST /chat/session            -> {sender_id, socket_url, socket_path}; sender_id kept in localStorage
 *   GET  /chat/history?sender=    -> the conversation so far (restored on reload)
 *   POST /chat/resume {token}     -> {sender_id}: a "go back to our chat" link from an email (/#resume=...)
 *   socket.io to Rasa             -> emit session_request {session_id}, then user_uttered {message, session_id};
 *                                    replies arrive as bot_uttered {text, quick_replies | buttons}
 *   GET  /chat/stream?sender=     -> Server-Sent Events: agent and system messages (EventSource)
 *
 * Everything anyone typed is data: messages are built with createElement + textContent, never innerHTML.
 */
(function () {
  "use strict";

  if (window.CalmdeskChat) return; // loaded twice: keep the first

  var STORAGE_KEY = "calmdesk.chat.sender";
  var TYPING_TIMEOUT_MS = 20000;
  var script = document.currentScript;
  var base = ((script && script.getAttribute("data-calmdesk-url")) ||
              (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, "");
  var title = (script && script.getAttribute("data-calmdesk-title")) || "Chat with us";

  var state = {
    sender: null,
    socketUrl: null,
    socketPath: "/socket.io",
    socket: null,
    confirmed: false, // Rasa has put this socket in the conversation's room
    outbox: [],       // messages typed while not connected, sent after session_confirm
    events: null,
    lastLiveId: 0,
    shown: [],        // [{role, text}] of every message in the log, to catch up after a reconnect
    started: null,    // Promise of start()
    everConnected: false,
    unread: 0,
    typingTimer: null,
    withPerson: false // a person from the team is in the chat: the bot stays quiet, so no "assistant is typing"
  };

  // ------------------------------------------------------------------ DOM

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var ui = {};

  function build() {
    ui.launcher = el("button", {
      id: "chat-launcher", type: "button", "class": "cd-launcher",
      "aria-expanded": "false", "aria-controls": "chat-panel", "aria-label": "Open chat"
    });
    ui.launcher.appendChild(el("span", { "class": "cd-launcher-icon", "aria-hidden": "true" }));
    ui.launcherText = el("span", { "class": "cd-launcher-text" }, "Chat");
    ui.launcher.appendChild(ui.launcherText);
    ui.badge = el("span", { "class": "cd-badge", hidden: "" });
    ui.launcher.appendChild(ui.badge);

    ui.panel = el("section", { id: "chat-panel", "class": "cd-panel", role: "dialog", "aria-modal": "false",
                               "aria-labelledby": "chat-title", hidden: "" });
    var header = el("header", { "class": "cd-header" });
    header.appendChild(el("h2", { id: "chat-title", "class": "cd-title" }, title));
    header.appendChild(el("p", { "class": "cd-subtitle" }, "Our assistant answers right away. Ask for a person any time."));
    ui.close = el("button", { id: "chat-close", type: "button", "class": "cd-close", "aria-label": "Close chat" }, "×");
    header.appendChild(ui.close);
    ui.panel.appendChild(header);

    ui.log = el("ol", { id: "chat-log", "class": "cd-log", role: "log", "aria-live": "polite",
                        "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0" });
    ui.panel.appendChild(ui.log);

    ui.typing = el("div", { id: "chat-typing", "class": "cd-typing", hidden: "" });
    ui.typing.appendChild(el("span", { "class": "cd-dots", "aria-hidden": "true" }, "• • •"));
    ui.typing.appendChild(el("span", { "class": "cd-typing-text" }, "The assistant is typing"));
    ui.panel.appendChild(ui.typing);

    ui.status = el("p", { id: "chat-status", "class": "cd-status", role: "status" });
    ui.panel.appendChild(ui.status);

    ui.form = el("form", { "class": "cd-form", autocomplete: "off" });
    ui.form.appendChild(el("label", { "for": "chat-input", "class": "cd-visually-hidden" }, "Your message"));
    ui.input = el("input", { id: "chat-input", type: "text", "class": "cd-input", maxlength: "2000",
                             placeholder: "Type your message…", enterkeyhint: "send" });
    ui.form.appendChild(ui.input);
    ui.send = el("button", { id: "chat-send", type: "submit", "class": "cd-send" }, "Send");
    ui.form.appendChild(ui.send);
    ui.panel.appendChild(ui.form);

    document.body.appendChild(ui.panel);
    document.body.appendChild(ui.launcher);

    ui.launcher.addEventListener("click", function () { isOpen() ? close() : open(); });
    ui.close.addEventListener("click", close);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) { ui.input.focus(); return; }
      ui.input.value = "";
      say(text, text);
      ui.input.focus();
    });
    document.addEventListener("click", function (event) {
      var opener = event.target && event.target.closest && event.target.closest("[data-calmdesk-open]");
      if (opener) { event.preventDefault(); open(); }
    });
  }

  function isOpen() { return !ui.panel.hidden; }

  function open() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.setAttribute("aria-label", "Close chat");
    ui.launcherText.textContent = "Close";
    state.unread = 0;
    ui.badge.hidden = true;
    ui.input.focus();
    start().then(scrollDown);
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.setAttribute("aria-label", "Open chat");
    ui.launcherText.textContent = "Chat";
    ui.launcher.focus();
  }

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  var SPEAKER = { user: "You", bot: "Assistant", agent: "Support team", system: "" };

  /* One message in the log. m: {role, text, author_name?, buttons?}; live: buttons clickable. */
  function render(m, live) {
    var role = SPEAKER.hasOwnProperty(m.role) ? m.role : "bot";
    var item = el("li", { "class": "msg msg-" + role });
    if (role !== "system") {
      var who = role === "agent" && m.author_name ? m.author_name + " · Support team" : SPEAKER[role];
      item.appendChild(el("span", { "class": "msg-author" }, who));
      item.appendChild(el("span", { "class": "cd-visually-hidden" }, ": "));
    }
    if (m.text) item.appendChild(el("span", { "class": "msg-text" }, m.text));
    var buttons = Array.isArray(m.buttons) ? m.buttons : [];
    if (buttons.length) {
      disableOldButtons();
      var group = el("div", { "class": "msg-buttons", role: "group", "aria-label": "Quick replies" });
      buttons.forEach(function (b) {
        var button = el("button", { type: "button" }, b.title);
        if (!live) button.disabled = true;
        button.addEventListener("click", function () {
          disableOldButtons();
          say(b.payload, b.title);
          ui.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    ui.log.appendChild(item);
    state.shown.push({ role: role, text: m.text || "" });
    scrollDown();
    if (!isOpen() && role !== "user") {
      state.unread += 1;
      ui.badge.textContent = String(state.unread);
      ui.badge.hidden = false;
      ui.launcher.setAttribute("aria-label", "Open chat, " + state.unread + " new");
    }
  }

  function disableOldButtons() {
    var old = ui.log.querySelectorAll(".msg-buttons button");
    for (var i = 0; i < old.length; i++) old[i].disabled = true;
  }

  function typing(on) {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = !on;
    if (on) state.typingTimer = setTimeout(function () { ui.typing.hidden = true; }, TYPING_TIMEOUT_MS);
  }

  function setStatus(text) { ui.status.textContent = text || ""; }

  // ------------------------------------------------------------------ talking

  /* Send `payload` to the bot, showing `shown` (a button's title, or the typed text) in the log. */
  function say(payload, shown) {
    disableOldButtons();
    render({ role: "user", text: shown }, true);
    state.outbox.push(payload);
    if (!state.withPerson) typing(true);
    start().then(flush);
  }

  function flush() {
    if (!state.socket || !state.socket.connected || !state.confirmed) return;
    while (state.outbox.length) {
      state.socket.emit("user_uttered", { message: state.outbox.shift(), session_id: state.sender });
    }
  }

  function fetchJSON(path, options) {
    return fetch(base + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.error || ("HTTP " + response.status));
          // 429: the server's own words ("give me a few seconds..."), shown as they are (textContent).
          if (response.status === 429 && typeof body.message === "string") error.polite = body.message;
          throw error;
        }
        return body;
      });
    });
  }

  function storedSender() {
    try { return localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  function storeSender(id) {
    try { localStorage.setItem(STORAGE_KEY, id); } catch (e) { /* private mode: this page only */ }
  }

  /* Once: get (or reuse) the sender id, restore the history, connect socket.io and the live stream. */
  function start() {
    if (state.started) return state.started;
    state.sender = storedSender();
    var session = state.sender
      ? Promise.resolve(null)
      : fetchJSON("/chat/session", { method: "POST" }).then(function (s) {
          state.sender = s.sender_id;
          storeSender(s.sender_id);
        });
    state.started = session
      .then(loadHistory)
      .then(function () { connectSocket(); connectStream(); })
      .catch(function (error) {
        state.started = null; // try again on the next message or open
        typing(false);
        setStatus(error.polite || "We can't reach the chat right now. Please try again in a moment.");
        if (window.console) console.warn("calmdesk chat:", error);
      });
    return state.started;
  }

  function loadHistory() {
    return fetchJSON("/chat/history?sender=" + encodeURIComponent(state.sender)).then(function (h) {
      state.socketUrl = h.socket_url;
      state.socketPath = h.socket_path || "/socket.io";
      state.lastLiveId = Math.max(state.lastLiveId, h.last_live_id || 0);
      var messages = h.messages || [];
      catchUp(messages);
    });
  }

  /* Append the history messages the log does not show yet (the log is a prefix of the history). */
  function catchUp(messages) {
    var n = state.shown.length;
    if (messages.length <= n) return;
    for (var i = 0; i < n; i++) {
      if (messages[i].role !== state.shown[i].role || (messages[i].text || "") !== state.shown[i].text) return;
    }
    for (var j = n; j < messages.length; j++) render(messages[j], j === messages.length - 1);
    var lastSpeaker = messages.filter(function (m) { return m.role !== "user"; }).pop();
    state.withPerson = Boolean(lastSpeaker && (lastSpeaker.role === "agent" || lastSpeaker.role === "system"));
  }

  function connectSocket() {
    if (typeof window.io !== "function") {
      return loadScript(base + "/static/vendor/socket.io-client/socket.io.min.js").then(connectSocket);
    }
    var socket = window.io(state.socketUrl || undefined, {
      path: state.socketPath,
      transports: ["websocket"],
      reconnection: true,
      reconnectionDelayMax: 10000
    });
    state.socket = socket;
    socket.on("connect", function () {
      state.confirmed = false;
      socket.emit("session_request", { session_id: state.sender });
    });
    socket.on("session_confirm", function () {
      state.confirmed = true;
      setStatus("");
      if (state.everConnected) {
        // Replies sent while we were away reached no one: fetch what we missed.
        fetchJSON("/chat/history?sender=" + encodeURIComponent(state.sender))
          .then(function (h) { catchUp(h.messages || []); })
          .catch(function () {});
      }
      state.everConnected = true;
      flush();
    });
    socket.on("bot_uttered", function (message) {
      typing(false);
      state.withPerson = false; // the assistant is talking again
      if (!message || typeof message !== "object") return;
      var buttons = message.quick_replies || message.buttons || [];
      var text = typeof message.text === "string" ? message.text : "";
      if (!text && !buttons.length) return; // images, custom payloads: not shown by this widget
      render({ role: "bot", text: text, buttons: buttons }, true);
    });
    socket.on("disconnect", function () {
      state.confirmed = false;
      setStatus("Connection lost. Reconnecting…");
    });
    socket.on("connect_error", function () {
      setStatus("Connection lost. Reconnecting…");
    });
  }

  function connectStream() {
    if (typeof window.EventSource !== "function" || state.events) return;
    var url = base + "/chat/stream?sender=" + encodeURIComponent(state.sender) + "&after=" + state.lastLiveId;
    state.events = new EventSource(url);
    state.events.onmessage = function (event) {
      var id = parseInt(event.lastEventId, 10);
      if (id && id <= state.lastLiveId) return; // already shown (from the history)
      var m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      if (id) state.lastLiveId = id;
      if (m.role === "agent" || m.role === "system") { typing(false); state.withPerson = true; }
      render(m, true);
    };
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  /* A "go back to our chat" link from one of our emails lands on /#resume=<signed token>: trade the
     token for the conversation (POST /chat/resume), keep it like any other, and open the chat. The
     token stays out of server logs (it is in the fragment) and is removed from the address bar. */
  function resumeFromEmail() {
    var match = /^#resume=([A-Za-z0-9_.-]+)$/.exec(window.location.hash || "");
    if (!match) return null;
    try { history.replaceState(null, "", window.location.pathname + window.location.search); } catch (e) { /* old browser */ }
    return fetchJSON("/chat/resume", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: match[1] })
    }).then(function (answer) {
      storeSender(answer.sender_id);
      open();
    }).catch(function (error) {
      if (window.console) console.warn("calmdesk chat: this link back to the chat doesn't work:", error);
    });
  }

  function init() {
    build();
    var resuming = resumeFromEmail();
    if (resuming) return;
    // A returning customer: restore the conversation now, so agent replies arrive even while closed.
    if (storedSender()) start();
  }

  window.CalmdeskChat = { open: function () { open(); }, close: function () { close(); } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
