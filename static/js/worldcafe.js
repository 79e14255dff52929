/* worldcafe client: live fragments, the shared timer, and the participant's note outbox. */
(function () {
  "use strict";

  var body = document.body;
  var role = body.dataset.role || "";
  var cafeId = body.dataset.cafe || "";

  // Every text the script shows comes from the page, in the page's language.
  var strings = {};
  try { strings = JSON.parse(body.dataset.strings || "{}"); } catch (e) { strings = {}; }
  var pageLang = document.documentElement.lang || strings.lang || "en";
  function t(key, fallback) { return typeof strings[key] === "string" ? strings[key] : fallback; }
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function plural(key, n, fallback) {
    var forms = strings[key] || {};
    var category = "other";
    try { category = new Intl.PluralRules(pageLang).select(n); } catch (e) { category = n === 1 ? "one" : "other"; }
    return fill(forms[category] || forms.other || fallback, { n: n });
  }

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // Language switch: a pick with the mouse or a phone's picker applies at once. Arrow keys on a
  // closed select change it step by step, so keyboard users confirm with Enter or the button
  // (which is otherwise only for browsers without scripts).
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    var initial = select.value;
    var byKey = false;
    var button = select.form.querySelector("[data-hide-with-js]");
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && select.value !== initial) { event.preventDefault(); select.form.submit(); return; }
      if (event.key !== "Tab" && event.key !== "Shift") { byKey = true; }
    });
    select.addEventListener("change", function () {
      if (!byKey) { select.form.submit(); return; }
      if (button) { button.hidden = false; }
    });
  });

  var contrast = document.querySelector("[data-contrast-toggle]");
  if (contrast) {
    if (localStorage.getItem("wc-contrast") === "1") { body.classList.add("high-contrast"); contrast.setAttribute("aria-pressed", "true"); }
    contrast.addEventListener("click", function () {
      var on = body.classList.toggle("high-contrast");
      contrast.setAttribute("aria-pressed", on ? "true" : "false");
      localStorage.setItem("wc-contrast", on ? "1" : "0");
    });
  }

  if (!role || typeof io === "undefined") { return; }

  // ----- timer: the server sends end times, never ticks; we correct for clock offset -----
  var timerState = {};
  try { timerState = JSON.parse(body.dataset.timerState || "{}"); } catch (e) { timerState = {}; }
  var clockOffset = timerState.now ? timerState.now - Date.now() : 0;
  var lastAnnouncedMinute = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function remainingMs() {
    if (timerState.status === "running" && timerState.ends_at) {
      return Math.max(0, timerState.ends_at - (Date.now() + clockOffset));
    }
    if (timerState.status === "paused") { return timerState.remaining || 0; }
    if (timerState.status === "ended") { return 0; }
    return null;
  }
  function statusText(ms) {
    var st = timerState.status;
    if (st === "paused") { return t("paused", "paused"); }
    if (st === "ended") { return t("ended", "round over"); }
    if (st === "running" && ms === 0) { return t("timeUp", "time is up"); }
    if (st === "running" && ms <= 60000) { return t("endingSoon", "ending soon"); }
    if (st === "lobby") { return t("lobby", "waiting to start"); }
    return "";
  }
  function renderTimers() {
    var ms = remainingMs();
    var text = "--:--";
    if (ms !== null) {
      var total = Math.ceil(ms / 1000);
      text = pad(Math.floor(total / 60)) + ":" + pad(total % 60);
    }
    var state = statusText(ms);
    document.querySelectorAll("[data-timer-box]").forEach(function (box) {
      var t = box.querySelector("[data-timer]");
      if (t.textContent !== text) { t.textContent = text; }
      box.classList.toggle("ending-soon", timerState.status === "running" && ms !== null && ms <= 60000 && ms > 0);
      box.classList.toggle("time-up", (timerState.status === "running" && ms === 0) || timerState.status === "ended");
      box.classList.toggle("paused", timerState.status === "paused");
      var s = box.querySelector("[data-timer-status]");
      if (s && s.textContent !== state) { s.textContent = state; }
      // Screen readers hear the minute changes, not every second.
      if (ms !== null && timerState.status === "running") {
        var minute = Math.ceil(ms / 60000);
        if (minute !== lastAnnouncedMinute) {
          lastAnnouncedMinute = minute;
          var live = box.querySelector("[data-timer-announce]");
          if (live) { live.textContent = ms === 0 ? t("timeUpAnnounce", "Time is up.") : plural("minutesLeft", minute, "{n} min left"); }
        }
      } else if (timerState.status === "ended" || timerState.status === "lobby") {
        // No stale "1 minute left" once the round is over.
        var stale = box.querySelector("[data-timer-announce]");
        if (stale && stale.textContent) { stale.textContent = ""; }
      }
    });
  }
  setInterval(renderTimers, 250);
  renderTimers();

  // Functions that run after every live fragment (restoring what a swap would reset).
  var roomHooks = [];

  // A note shown again comes back into lists that had dropped it: a replacement whose target
  // is missing is added at the top of its list instead.
  function upsertMissing(html) {
    if (html.indexOf("data-upsert") === -1) { return html; }
    var holder = document.createElement("template");
    holder.innerHTML = html;
    holder.content.querySelectorAll("[data-upsert]").forEach(function (el) {
      if (!el.id || document.getElementById(el.id)) { return; }
      var target = el.getAttribute("data-upsert");
      if (!document.querySelector(target)) { el.remove(); return; }
      var wrapper = document.createElement("ul");
      wrapper.setAttribute("hx-swap-oob", "afterbegin:" + target);
      el.removeAttribute("hx-swap-oob");
      el.parentNode.replaceChild(wrapper, el);
      wrapper.appendChild(el);
    });
    return holder.innerHTML;
  }
  // The button someone just pressed is replaced by the live update: focus its new copy.
  var focusAfterSwap = null;
  function restoreFocus() {
    if (!focusAfterSwap) { return; }
    var holder = document.getElementById(focusAfterSwap.id);
    var el = holder && holder.querySelector(focusAfterSwap.selector);
    if (el && (document.activeElement === document.body || !document.contains(document.activeElement) || !holder.contains(document.activeElement))) {
      el.focus({ preventScroll: true });
      focusAfterSwap = null;
    }
  }
  // Short notes to one phone ("The host moved you to Table 4"), read out politely.
  var noticeTimer = null;
  function showNotice(text) {
    var box = document.querySelector("[data-room-notice]");
    if (!box) { return; }
    box.textContent = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { box.textContent = ""; }, 20000);
  }

  // ----- projector: a wall or list longer than the screen turns its pages by itself -----
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // An item's offsetTop counts from its offset parent: the list itself (positioned), or else
  // an ancestor, from which the list's own offsetTop is taken away.
  function itemBase(list, items) {
    return items[0].offsetParent === list ? 0 : list.offsetTop;
  }
  // The pages' tops: each page starts at the first item the page before did not show whole.
  function pageTops(list, items) {
    var base = itemBase(list, items);
    var tops = [0];
    items.forEach(function (li) {
      var top = li.offsetTop - base;
      var last = tops[tops.length - 1];
      if (top + li.offsetHeight > last + list.clientHeight + 2 && top > last) { tops.push(top); }
    });
    return tops;
  }
  function overflows(list) {
    return list.children.length > 0 && list.scrollHeight > list.clientHeight + 4;
  }
  // How many pages start at or above the list's scroll position: the page shown.
  function pageShown(list, tops) {
    return tops.filter(function (top) { return top <= list.scrollTop + 2; }).length;
  }
  // Items the page starting at `top` cannot show whole wait, hidden, for their own page.
  function hideCut(list, items, top) {
    var base = items.length ? itemBase(list, items) : 0;
    var overflowing = overflows(list);
    items.forEach(function (li) {
      var cut = overflowing && li.offsetTop - base + li.offsetHeight > top + list.clientHeight + 2;
      li.classList.toggle("beyond", cut);
    });
  }
  function pageLabel(list) {
    return list.closest("section") && list.closest("section").querySelector("[data-wall-page]");
  }
  function showPage(list, n, total) {
    var label = pageLabel(list);
    if (label) { label.textContent = total > 1 ? fill(t("pageOf", "page {n} of {total}"), { n: n, total: total }) : ""; }
  }
  // After notes came in: the page shown keeps its place, its label counts the pages anew.
  function markCut() {
    document.querySelectorAll("[data-autopage]").forEach(function (list) {
      var items = Array.prototype.slice.call(list.children);
      hideCut(list, items, list.scrollTop);
      if (!overflows(list)) { showPage(list, 1, 1); return; }
      var tops = pageTops(list, items);
      showPage(list, Math.max(1, pageShown(list, tops)), tops.length);
    });
  }
  function turnPages() {
    document.querySelectorAll("[data-autopage]").forEach(function (list) {
      var items = Array.prototype.slice.call(list.children);
      if (!overflows(list)) {
        list.scrollTop = 0;
        hideCut(list, items, 0);
        showPage(list, 1, 1);
        return;
      }
      var tops = pageTops(list, items);
      var page = pageShown(list, tops);
      var atEnd = list.scrollTop >= list.scrollHeight - list.clientHeight - 2;
      var next = page < tops.length && !atEnd ? page : 0;  // the page after the one shown, or the first
      hideCut(list, items, tops[next]);
      list.scrollTo({ top: tops[next], behavior: reducedMotion ? "auto" : "smooth" });
      showPage(list, next + 1, tops.length);
    });
  }
  if (role === "projector") {
    setInterval(turnPages, 9000);
    window.addEventListener("load", markCut);
    document.addEventListener("htmx:afterSwap", markCut);
  }

  // ----- the socket -----
  var socket = io({ auth: { cafe: cafeId, role: role, view: body.dataset.view || "" }, transports: ["websocket", "polling"] });
  var connection = document.querySelector("[data-connection]");
  function setConnection(text, ok) {
    if (!connection) { return; }
    connection.textContent = text;
    connection.classList.toggle("offline", !ok);
  }

  function syncClock() {
    var best = null;
    var rounds = 0;
    function once() {
      var t0 = Date.now();
      socket.timeout(5000).emitWithAck("clock").then(function (reply) {
        var t1 = Date.now();
        var rtt = t1 - t0;
        if (best === null || rtt < best.rtt) { best = { rtt: rtt, offset: reply.now - (t0 + rtt / 2) }; }
      }).catch(function () {}).finally(function () {
        rounds += 1;
        if (rounds < 5) { setTimeout(once, 50); } else if (best) { clockOffset = best.offset; renderTimers(); }
      });
    }
    once();
  }

  socket.on("connect", function () {
    setConnection(t("online", "Live"), true);
    socket.emit("resync");
    syncClock();
    flushOutbox();
  });
  socket.on("disconnect", function () { setConnection(t("offline", "Reconnecting…"), false); });
  socket.on("connect_error", function () { setConnection(t("offline", "Reconnecting…"), false); });
  socket.on("notice", function (data) { if (data && data.text) { showNotice(String(data.text)); } });
  socket.on("navigate", function (data) {
    // The host switched the projector to another view of the same café (its harvest).
    if (role === "projector" && data && typeof data.path === "string" && data.path.charAt(0) === "/" && data.path.charAt(1) !== "/" && data.path !== window.location.pathname) {
      window.location.assign(data.path);
    }
  });
  socket.on("timer", function (state) {
    timerState = state;
    lastAnnouncedMinute = null;
    renderTimers();
  });
  socket.on("fragment", function (data) {
    if (data && data.html) {
      htmx.swap(document.body, upsertMissing(data.html), { swapStyle: "none" });
      roomHooks.forEach(function (hook) { hook(); });
      decorateNotes();
      if (role === "participant") { showNextCard(); }
      restoreFocus();
      announceNewNotes();
      checkLanguage();
      if (role === "projector") { markCut(); }
    }
  });

  // Live fragments are rendered once per room, in one language; a screen set to another
  // language asks for its own copy (once, a moment later, so that many screens do not ask at once).
  var languageResync = null;
  var resyncedForLanguage = 0;
  var failedResyncs = 0;
  function checkLanguage() {
    var foreign = Array.prototype.some.call(document.querySelectorAll("main [lang]"), function (el) {
      return el.lang !== pageLang && !el.classList.contains("note-text");
    });
    if (!foreign) { failedResyncs = 0; return; }
    if (languageResync || failedResyncs > 2) { return; }
    var wait = Math.max(0, resyncedForLanguage + 2500 - Date.now()) + 300 + Math.random() * 1200;
    languageResync = setTimeout(function () {
      languageResync = null;
      resyncedForLanguage = Date.now();
      failedResyncs += 1;
      if (socket.connected) { socket.emit("resync"); }
    }, wait);
  }

  // A polite announcement of notes from others at the table, not of every swap.
  var noteAnnounce = document.querySelector("[data-note-announce]");
  var knownNotes = null;
  var knownRound = null;
  var pendingAnnouncements = [];
  var announceTimer = null;
  function announceNewNotes() {
    if (!noteAnnounce) { return; }
    var panel = document.getElementById("table-panel");
    var roundKey = panel ? panel.dataset.table + "/" + panel.dataset.round : "";
    var seen = {};
    var fresh = [];
    document.querySelectorAll("#table-notes .note[data-note]").forEach(function (li) {
      seen[li.dataset.note] = true;
      if (knownNotes && !knownNotes[li.dataset.note] && li.dataset.author !== (body.dataset.me || "")) {
        var text = li.querySelector(".note-text");
        fresh.push(text ? text.textContent : "");
      }
    });
    var sameTable = knownRound === roundKey;
    knownNotes = seen;
    knownRound = roundKey;
    if (!sameTable || !fresh.length) { return; }
    pendingAnnouncements = pendingAnnouncements.concat(fresh);
    if (announceTimer) { return; }
    announceTimer = setTimeout(function () {
      announceTimer = null;
      var items = pendingAnnouncements;
      pendingAnnouncements = [];
      noteAnnounce.textContent = items.length === 1
        ? fill(t("newNote", "New note: {text}"), { text: items[0] })
        : plural("newNotes", items.length, "{n} new notes");
    }, 1000);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && socket.connected) { syncClock(); }
  });

  // ----- participant: notes outbox, votes, edits -----
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var outboxKey = "wc-outbox-" + cafeId + "-" + (body.dataset.me || "");
  function readOutbox() { try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return []; } }
  function writeOutbox(items) { localStorage.setItem(outboxKey, JSON.stringify(items)); }
  var inFlight = false;
  var noteError = document.querySelector("[data-note-error]");
  function showError(text) { if (noteError) { noteError.textContent = text || ""; } }

  function pendingItem(item) {
    // The markup comes from the page's <template id="pending-note"> (participant/_notes.html).
    var li = document.getElementById("pending-note").content.firstElementChild.cloneNode(true);
    li.id = "note-" + item.id;
    li.dataset.note = item.id;
    li.dataset.author = body.dataset.me || "";
    li.querySelector(".note-text").textContent = item.text;
    return li;
  }
  function showPending() {
    var list = document.getElementById("table-notes");
    if (!list) { return; }
    readOutbox().forEach(function (item) {
      if (!document.getElementById("note-" + item.id)) { list.insertBefore(pendingItem(item), list.firstChild); }
    });
  }
  function flushOutbox() {
    if (role !== "participant" || inFlight || !socket.connected) { return; }
    var items = readOutbox();
    if (!items.length) { return; }
    var item = items[0];
    inFlight = true;
    socket.timeout(10000).emitWithAck("note:add", { client_id: item.id, text: item.text }).then(function (reply) {
      inFlight = false;
      var rest = readOutbox().filter(function (x) { return x.id !== item.id; });
      if (reply && reply.ok) {
        writeOutbox(rest);
        var el = document.getElementById("note-" + item.id);
        if (el && reply.html) { el.outerHTML = reply.html; }
        else if (reply.html) { var list = document.getElementById("table-notes"); if (list) { list.insertAdjacentHTML("afterbegin", reply.html); } }
        decorateNotes();
        flushOutbox();
      } else if (reply && (reply.status === 429 || reply.status >= 500)) {
        // Not stored (too fast, or the server cannot store now): it stays in the outbox.
        showError(reply.error);
        setTimeout(flushOutbox, 3000);
      } else {
        writeOutbox(rest);
        var failed = document.getElementById("note-" + item.id);
        if (failed) { failed.classList.add("failed"); var s = failed.querySelector("[data-note-state]"); if (s) { s.textContent = t("notSaved", "not saved"); } }
        showError(reply && reply.error);
        flushOutbox();
      }
    }).catch(function () {
      inFlight = false;
      setTimeout(flushOutbox, 2000);
    });
  }

  // What this phone did itself (its votes, the note it carries): shown with aria-pressed.
  var stateKey = "wc-mine-" + cafeId + "-" + (body.dataset.me || "");
  function readMine() { try { return JSON.parse(localStorage.getItem(stateKey) || "{}"); } catch (e) { return {}; } }
  function writeMine(state) { try { localStorage.setItem(stateKey, JSON.stringify(state)); } catch (e) { /* private mode */ } }
  var showEarlier = false;

  function decorateNotes() {
    var me = body.dataset.me || "";
    var panel = document.getElementById("table-panel");
    var open = panel && panel.dataset.roundOpen === "1" ? panel.dataset.round : null;
    var isHost = !!(panel && panel.dataset.hostId && panel.dataset.hostId === me);
    var mine = readMine();
    var votes = mine.votes || {};
    var carried = panel ? (mine.carry || {})[panel.dataset.round] : null;
    var earlier = 0;
    document.querySelectorAll("#table-notes .note").forEach(function (li) {
      li.classList.toggle("mine", li.dataset.author === me);
      li.classList.toggle("editable", li.dataset.author === me && open !== null && li.dataset.round === open);
      var old = !!(panel && li.dataset.round && li.dataset.round !== panel.dataset.round);
      li.classList.toggle("earlier", old);
      if (old) { earlier += 1; }
      var vote = li.querySelector("[data-action=vote]");
      if (vote) { vote.setAttribute("aria-pressed", votes[li.dataset.note] ? "true" : "false"); }
      var carry = li.querySelector("[data-action=carry]");
      if (carry) { carry.setAttribute("aria-pressed", carried === li.dataset.note ? "true" : "false"); }
      li.classList.toggle("carried", carried === li.dataset.note);
      var insight = li.querySelector("[data-action=insight]");
      if (insight) { insight.setAttribute("aria-pressed", li.classList.contains("insight") ? "true" : "false"); }
    });
    body.classList.toggle("is-table-host", isHost);
    body.classList.toggle("is-last-round", !!(panel && panel.dataset.lastRound === "1"));
    body.classList.toggle("round-open", open !== null);
    // The tablecloth folds earlier rounds away, so the newest notes stay near the note box.
    var list = document.getElementById("table-notes");
    var foldRow = document.querySelector("[data-fold-row]");
    var fold = document.querySelector("[data-fold]");
    if (list && foldRow && fold) {
      foldRow.hidden = earlier === 0;
      list.classList.toggle("folded", !showEarlier);
      fold.setAttribute("aria-expanded", showEarlier ? "true" : "false");
      fold.textContent = showEarlier
        ? t("hideEarlier", "Hide earlier rounds")
        : plural("showEarlier", earlier, "Show earlier rounds ({n} notes)");
    }
    showPending();
  }

  // ----- between rounds: the card comes into view, takes the focus and buzzes -----
  var shownCard = null;
  function dismissedCards() { try { return JSON.parse(sessionStorage.getItem("wc-cards-" + cafeId) || "[]"); } catch (e) { return []; } }
  function showNextCard() {
    var card = document.getElementById("next-card");
    if (!card) { shownCard = null; return; }
    var key = card.dataset.nextCard + ":" + (card.querySelector(".next-card-body, #next-card-body") || card).textContent.trim();
    if (dismissedCards().indexOf(key) !== -1) { card.hidden = true; return; }
    card.hidden = false;
    if (shownCard === key) { return; }
    shownCard = key;
    card.focus({ preventScroll: true });
    // Browsers let a page vibrate only once it has been touched; before that, no buzz (and no error).
    var touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && touched) { try { navigator.vibrate([200, 100, 200]); } catch (e) { /* not allowed */ } }
  }
  document.addEventListener("click", function (event) {
    var ok = event.target.closest("[data-dismiss-card]");
    if (ok) {
      var card = ok.closest("#next-card");
      if (!card) { return; }
      var key = card.dataset.nextCard + ":" + (card.querySelector("#next-card-body") || card).textContent.trim();
      var list = dismissedCards(); list.push(key);
      try { sessionStorage.setItem("wc-cards-" + cafeId, JSON.stringify(list.slice(-20))); } catch (e) { /* private mode */ }
      card.hidden = true;
      var main = document.getElementById("main");
      if (main) { main.focus({ preventScroll: true }); }
      return;
    }
    var foldButton = event.target.closest("[data-fold]");
    if (foldButton) { showEarlier = !showEarlier; decorateNotes(); }
  });

  // A note edited in its place: a text box instead of the browser's prompt().
  function startEdit(li) {
    if (li.querySelector(".edit-form")) { return; }
    var text = li.querySelector(".note-text");
    var formEl = document.createElement("form");
    formEl.className = "edit-form stack";
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = "edit-" + li.dataset.note;
    label.textContent = t("editPrompt", "Edit your note");
    var box = document.createElement("textarea");
    box.id = "edit-" + li.dataset.note;
    box.rows = 3;
    box.value = text.textContent;
    var row = document.createElement("div");
    row.className = "button-row";
    var save = document.createElement("button");
    save.type = "submit"; save.className = "button small primary"; save.textContent = t("save", "Save");
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "button small"; cancel.textContent = t("cancel", "Cancel");
    row.appendChild(save); row.appendChild(cancel);
    formEl.appendChild(label); formEl.appendChild(box); formEl.appendChild(row);
    text.hidden = true;
    text.parentNode.insertBefore(formEl, text.nextSibling);
    box.focus();
    function stop() { formEl.remove(); text.hidden = false; var b = li.querySelector("[data-action=edit]"); if (b) { b.focus(); } }
    cancel.addEventListener("click", stop);
    formEl.addEventListener("keydown", function (event) { if (event.key === "Escape") { stop(); } });
    formEl.addEventListener("submit", function (event) {
      event.preventDefault();
      var next = box.value.trim();
      if (!next || next === text.textContent) { stop(); return; }
      save.disabled = true;
      focusAfterSwap = { id: li.id, selector: "[data-action=edit]" };
      socket.emitWithAck("note:edit", { id: li.dataset.note, text: next }).then(function (r) {
        save.disabled = false;
        if (!r.ok) { focusAfterSwap = null; showError(r.error); return; }
      });
    });
  }

    if (role === "participant") {
    var form = document.querySelector("[data-note-form]");
    var textarea = form && form.querySelector("textarea");
    var counter = document.querySelector("[data-note-count]");
    var max = parseInt(body.dataset.noteMax || "500", 10);
    var tooLong = function (n) {
      return fill(t("tooLong", "Your note is too long: {n} characters, at most {max}."), { n: n, max: max });
    };
    if (textarea) {
      textarea.addEventListener("input", function () {
        var n = textarea.value.trim().length;
        if (counter) { counter.textContent = n; }
        showError(n > max ? tooLong(n) : "");
      });
    }
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = textarea.value.trim();
        if (!text) { showError(t("empty", "Write something first.")); return; }
        if (text.length > max) { showError(tooLong(text.length)); return; }
        showError("");
        var item = { id: uuid(), text: text };
        var items = readOutbox(); items.push(item); writeOutbox(items);
        textarea.value = "";
        if (counter) { counter.textContent = "0"; }
        showPending();
        flushOutbox();
      });
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) { return; }
      var li = button.closest("[data-note]");
      if (!li) { return; }
      var id = li.dataset.note;
      var action = button.dataset.action;
      if (action === "edit") { startEdit(li); return; }
      if (action === "delete") {
        if (!window.confirm(t("deleteConfirm", "Delete this note?"))) { return; }
        socket.emitWithAck("note:delete", { id: id }).then(function (r) { if (!r.ok) { showError(r.error); } });
        return;
      }
      var events = { vote: "note:vote", carry: "note:carry", insight: "note:insight" };
      if (!events[action]) { return; }
      focusAfterSwap = { id: li.id, selector: "[data-action=" + action + "]" };
      socket.emitWithAck(events[action], { id: id }).then(function (r) {
        if (!r.ok) { showError(r.error); return; }
        var mine = readMine();
        var panel = document.getElementById("table-panel");
        var said = "";
        if (action === "vote") {
          mine.votes = mine.votes || {};
          if (mine.votes[id]) { delete mine.votes[id]; said = t("voteTaken", "Vote taken back."); }
          else { mine.votes[id] = 1; said = t("voteGiven", "You voted for this note."); }
        } else if (action === "carry" && panel) {
          mine.carry = mine.carry || {};
          mine.carry[panel.dataset.round] = id;
          said = t("carrySet", "You will take this note to your next table.");
        } else if (action === "insight") {
          said = r.marked ? t("insightSet", "Marked as a key insight.") : t("insightUnset", "No longer a key insight.");
        }
        writeMine(mine);
        decorateNotes();
        if (said && noteAnnounce) { noteAnnounce.textContent = said; }
      });
    });
    window.addEventListener("online", flushOutbox);
    decorateNotes();
    announceNewNotes();
    showNextCard();
  }
  // ----- dialogs that ask first (End round with time left, Leave the café) -----
  function openDialog(dialog, opener) {
    if (!dialog) { return false; }
    dialog.returnFocusTo = opener;
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    return true;
  }
  function closeDialog(dialog) {
    if (!dialog) { return; }
    if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
  }
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog && dialog.returnFocusTo && document.contains(dialog.returnFocusTo)) { dialog.returnFocusTo.focus(); }
  }, true);
  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      var dialog = closer.closest("dialog");
      // A submit button closes after its form has been sent.
      setTimeout(function () { closeDialog(dialog); }, 0);
      return;
    }
    var end = event.target.closest("[data-confirm-end]");
    if (end) {
      var ms = remainingMs();
      if (ms !== null && ms > 0) {
        event.preventDefault();
        var box = document.getElementById("end-round-dialog");
        var left = box && box.querySelector("[data-time-left]");
        if (left) { left.textContent = plural("minutesLeft", Math.ceil(ms / 60000), "{n} min left"); }
        openDialog(box, end);
      }
      return;
    }
    var leave = event.target.closest("[data-confirm-leave]");
    if (leave && openDialog(document.getElementById("leave-dialog"), leave)) { event.preventDefault(); }
  });

  // ----- host console: the manage panel stays open and the people filter keeps its text -----
  var openPanels = {};
  var peopleFilter = "";
  var lastFocusedId = null;
  // What the host chose, from the click on the panel's summary (keys press it too); not from
  // "toggle" events, which also fire when a re-render (or htmx settling the new attributes)
  // closes a panel the host had opened.
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("details[data-keep-open] > summary");
    if (!summary) { return; }
    var el = summary.parentElement;
    if (el.id) { openPanels[el.id] = !el.open; }
  }, true);
  document.addEventListener("focusin", function (event) { lastFocusedId = event.target && event.target.id ? event.target.id : null; });
  function applyPeopleFilter() {
    var needle = peopleFilter.trim().toLocaleLowerCase();
    document.querySelectorAll("#people-list [data-person]").forEach(function (li) {
      li.hidden = needle !== "" && li.textContent.toLocaleLowerCase().indexOf(needle) === -1;
    });
    document.querySelectorAll("[data-people-select] option").forEach(function (option) {
      option.hidden = needle !== "" && option.textContent.toLocaleLowerCase().indexOf(needle) === -1;
    });
  }
  // A live refresh of the console must not undo what the host has picked in the manage form.
  var pickedValues = {};
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-keep-value]") && el.id) { pickedValues[el.id] = el.value; }
  });
  function restorePicked() {
    Object.keys(pickedValues).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el || el.value === pickedValues[id]) { return; }
      var present = Array.prototype.some.call(el.options, function (o) { return o.value === pickedValues[id]; });
      if (present) { el.value = pickedValues[id]; } else { delete pickedValues[id]; }
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-people-filter]")) {
      peopleFilter = event.target.value;
      applyPeopleFilter();
    }
  });
  function restoreConsole() {
    Object.keys(openPanels).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && el.open !== openPanels[id]) { el.open = openPanels[id]; }
    });
    var filter = document.querySelector("[data-people-filter]");
    if (filter) {
      if (filter.value !== peopleFilter) { filter.value = peopleFilter; }
      if (lastFocusedId === filter.id && (document.activeElement === document.body || !document.activeElement)) {
        filter.focus();
        try { filter.setSelectionRange(peopleFilter.length, peopleFilter.length); } catch (e) { /* search inputs may refuse */ }
      }
    }
    applyPeopleFilter();
    restorePicked();
  }
  // Right after the swap as well: otherwise the panel shows closed until htmx has settled.
  document.addEventListener("htmx:afterSwap", restoreConsole);
  document.addEventListener("htmx:afterSettle", restoreConsole);
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-reset-on-success]");
    if (form && event.detail.successful) { form.reset(); }
  });
  roomHooks.push(restoreConsole);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-moderate]");
    if (!button || role !== "host" || !body.dataset.base) { return; }
    var li = button.closest("[data-note]");
    if (!li) { return; }
    button.disabled = true;
    focusAfterSwap = { id: li.id, selector: "[data-moderate]" };
    fetch(body.dataset.base + "/notes/" + encodeURIComponent(li.dataset.note) + "/" + button.dataset.moderate, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      if (!response.ok) { button.disabled = false; focusAfterSwap = null; }
    }).catch(function () { button.disabled = false; focusAfterSwap = null; });
  });

  window.worldcafe = { socket: socket, outbox: readOutbox, csrfToken: csrfToken, turnPages: turnPages };
})();
