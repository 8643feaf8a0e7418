// ConnectGain dashboard: drag and drop (pointer events, so mouse, pen and
// touch on the grip all work), the keyboard move form, progressive column
// loading and live refresh. No libraries.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var details = document.querySelector("details.more-filters");
  if (details && window.innerWidth < 720 && !details.hasAttribute("data-active")) details.open = false;
  if (!board) return;
  var statusEl = document.getElementById("status");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var canWrite = document.body.getAttribute("data-can-write") === "true";
  var query = board.getAttribute("data-query") || "";
  var busy = 0;

  function say(msg, isError) {
    statusEl.textContent = msg;
    statusEl.className = "status " + (isError ? "error" : "ok");
  }
  function sentence(s) { return /[.!?]$/.test(s) ? s : s + "."; }
  function qs(extra) { return query ? "?" + query + (extra ? "&" + extra : "") : (extra ? "?" + extra : ""); }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw body; return body; });
    });
  }
  function colOf(el) { return el && el.closest(".col"); }
  function listOf(col) { return col.querySelector(".cards"); }

  // Moves the card to stage: the same write as PATCH deals?id=eq.ID.
  function move(card, stage) {
    if (!canWrite) { say("This key is read-only: deals cannot be moved. Sign in with a write key.", true); return; }
    if (!stage || stage === card.getAttribute("data-stage")) return;
    var target = board.querySelector('.col[data-stage="' + CSS.escape(stage) + '"]');
    var from = card.parentNode, next = card.nextSibling;
    if (target) listOf(target).insertBefore(card, listOf(target).firstChild);
    busy++;
    var body = new URLSearchParams({ stage: stage });
    fetch("/deals/" + encodeURIComponent(card.getAttribute("data-id")) + "/stage", {
      method: "POST", credentials: "same-origin", body: body,
      headers: { Accept: "application/json", "X-CSRF-Token": csrf }
    }).then(function (r) {
      return r.json().then(function (res) {
        if (!r.ok) throw res;
        card.setAttribute("data-stage", res.stage);
        var sel = card.querySelector("select");
        if (sel) { sel.value = res.stage; var blank = sel.querySelector('option[value=""]'); if (blank) blank.remove(); }
        var bad = card.querySelector(".badstage"); if (bad) bad.remove();
        card.classList.remove("rotting");
        var days = card.querySelector(".days"); if (days) days.textContent = "under a day in stage";
        var rot = card.querySelector(".rot-badge"); if (rot) rot.remove();
        card.classList.add("flash");
        say(res.message, false);
        return refreshTotals();
      });
    }).catch(function (err) {
      from.insertBefore(card, next);
      say("Not moved: " + sentence(err && err.message ? err.message : "the server did not answer") +
        (err && err.hint ? " " + sentence(err.hint.charAt(0).toUpperCase() + err.hint.slice(1)) : ""), true);
    }).finally(function () { busy--; });
  }

  // Updates every column's count and totals (computed by the server).
  function refreshTotals() {
    return getJSON("/board/totals" + qs()).then(function (res) {
      Object.keys(res.columns).forEach(function (key) {
        var head = document.getElementById("head-" + key);
        if (head) head.innerHTML = res.columns[key];
      });
      var att = board.querySelector(".col-attention");
      if (att && !res.attention && !att.querySelector(".card")) att.remove();
      return getJSON("/board/version");
    }).then(function (v) { board.setAttribute("data-version", v.version); });
  }

  // Keyboard and no-drag alternative: the card's stage list and Move.
  board.addEventListener("submit", function (e) {
    var form = e.target.closest("form.move");
    if (!form) return;
    e.preventDefault();
    var card = form.closest(".card");
    var sel = form.querySelector("select");
    move(card, sel.value);
    sel.focus();
  });

  // Drag and drop with pointer events.
  var drag = null;
  board.addEventListener("pointerdown", function (e) {
    var card = e.target.closest(".card");
    if (!card || e.button !== 0 || e.target.closest("a,button,select,input,label,option")) return;
    if (e.pointerType === "touch" && !e.target.closest(".grip")) return;
    drag = { card: card, x: e.clientX, y: e.clientY, started: false };
  });
  function colAt(x, y) { var el = document.elementFromPoint(x, y); return colOf(el); }
  document.addEventListener("pointermove", function (e) {
    if (!drag) return;
    if (!drag.started) {
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) < 6) return;
      drag.started = true;
      var r = drag.card.getBoundingClientRect();
      drag.dx = drag.x - r.left; drag.dy = drag.y - r.top;
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.removeAttribute("id");
      drag.ghost.classList.add("ghost");
      drag.ghost.style.width = r.width + "px";
      document.body.appendChild(drag.ghost);
      drag.card.classList.add("dragging");
    }
    e.preventDefault();
    drag.ghost.style.left = (e.clientX - drag.dx) + "px";
    drag.ghost.style.top = (e.clientY - drag.dy) + "px";
    var col = colAt(e.clientX, e.clientY);
    if (col !== drag.over) {
      if (drag.over) drag.over.classList.remove("drop");
      drag.over = col && col.getAttribute("data-stage") !== "_attention" ? col : null;
      if (drag.over) drag.over.classList.add("drop");
    }
  });
  function endDrag(e, cancel) {
    if (!drag) return;
    var d = drag; drag = null;
    if (!d.started) return;
    d.ghost.remove();
    d.card.classList.remove("dragging");
    if (d.over) d.over.classList.remove("drop");
    if (!cancel && d.over) move(d.card, d.over.getAttribute("data-stage"));
  }
  document.addEventListener("pointerup", function (e) { endDrag(e, false); });
  document.addEventListener("pointercancel", function (e) { endDrag(e, true); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") endDrag(e, true); });

  // Progressive loading: "Show more deals" loads the next cards, by
  // itself when it scrolls into view.
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (en) { if (en.isIntersecting) loadMore(en.target); });
  }, { rootMargin: "200px" }) : null;
  function watch() { if (observer) board.querySelectorAll("[data-more]").forEach(function (b) { observer.observe(b); }); }
  function loadMore(btn) {
    if (btn.disabled) return;
    btn.disabled = true;
    if (observer) observer.unobserve(btn);
    busy++;
    fetch(btn.getAttribute("data-more"), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (html) {
      var li = btn.closest("li");
      li.insertAdjacentHTML("beforebegin", html);
      li.remove();
      watch();
    }).catch(function () { btn.disabled = false; say("Could not load more deals; try again.", true); })
      .finally(function () { busy--; });
  }
  board.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-more]");
    if (btn) loadMore(btn);
  });
  watch();

  // Live: ask every few seconds whether deals changed (on any server);
  // when they did, fetch the columns again, keeping focus.
  var poll = parseInt(board.getAttribute("data-poll"), 10) || 3000;
  setInterval(function () {
    if (document.hidden || drag || busy) return;
    getJSON("/board/version").then(function (v) {
      if (v.version === board.getAttribute("data-version") || drag || busy) return;
      var shown = 0, scroll = {};
      board.querySelectorAll(".col").forEach(function (c) {
        shown = Math.max(shown, c.querySelectorAll(".card").length);
        scroll[c.getAttribute("data-stage")] = listOf(c).scrollTop;
      });
      return fetch("/board/view" + qs("n=" + shown), { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      }).then(function (html) {
        if (drag || busy) return;
        var focused = document.activeElement && document.activeElement.id;
        board.innerHTML = html;
        board.setAttribute("data-version", v.version);
        board.querySelectorAll(".col").forEach(function (c) {
          var top = scroll[c.getAttribute("data-stage")];
          if (top) listOf(c).scrollTop = top;
        });
        if (focused) { var f = document.getElementById(focused); if (f) f.focus(); }
        watch();
      });
    }).catch(function () { /* a missed poll is retried on the next tick */ });
  }, poll);
})();
