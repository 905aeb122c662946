/* The schedule board (templates/scheduling/board.html): lays the server-drawn cards out to
   scale, lets them be dragged (interact.js) or moved with the form, sends every move to
   the API and redraws from the server's page after each answer and each notice of the
   board's WebSocket. No build step; no inline script or style. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("board-config").textContent);
  const texts = config.texts;
  const ppm = config.pixelsPerMinute;
  const snap = config.snapMinutes;
  const board = document.getElementById("board");
  const statusLine = document.getElementById("board-status");
  const alertLine = document.getElementById("board-alert");
  const connection = document.getElementById("board-connection");
  const panel = document.getElementById("move-panel");
  const form = document.getElementById("move-form");
  const fields = {
    day: document.getElementById("move-day"),
    room: document.getElementById("move-room"),
    hour: document.getElementById("move-hour"),
    minute: document.getElementById("move-minute"),
    minutes: document.getElementById("move-minutes"),
  };
  const language = document.documentElement.lang || undefined;
  const slotFormat = new Intl.DateTimeFormat(language, {
    timeZone: config.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const timeFormat = new Intl.DateTimeFormat(language, {
    timeZone: config.timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  let selected = null; // the id of the session in the move form
  let dragging = false;
  let refreshWanted = false;
  let justDragged = false;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(values[name]) : whole
    );
  }

  function say(text) {
    alertLine.textContent = "";
    statusLine.textContent = text;
  }

  function refuse(text) {
    statusLine.textContent = "";
    alertLine.textContent = text;
  }

  function grid() {
    return document.getElementById("board-grid");
  }

  function card(id) {
    return document.getElementById(`card-${id}`);
  }

  /* ---- Layout: the server gives minutes, the script turns them into pixels ---- */

  function layout() {
    const box = grid();
    const height = `${Number(box.dataset.minutes) * ppm}px`;
    // The lanes' hour lines (board.css) start at the first whole hour below the top.
    const first = box.querySelector(".hour");
    box.style.setProperty("--hour-height", `${60 * ppm}px`);
    box.style.setProperty("--first-hour", `${first ? Number(first.dataset.offset) * ppm : 0}px`);
    box.querySelectorAll(".room-lane, .time-scale").forEach((lane) => {
      lane.style.height = height;
    });
    box.querySelectorAll(".hour").forEach((hour) => {
      hour.style.top = `${Number(hour.dataset.offset) * ppm}px`;
    });
    box.querySelectorAll(".room-lane .card").forEach((item) => {
      item.style.top = `${Number(item.dataset.offset) * ppm}px`;
      item.style.height = `${Number(item.dataset.minutes) * ppm}px`;
    });
    document.querySelectorAll(".card[data-colour]").forEach((item) => {
      item.style.borderLeftColor = item.dataset.colour;
    });
    board.classList.add("is-ready");
  }

  /* ---- Talking to the server ---- */

  function csrfToken() {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  async function post(template, id, body) {
    const url = template.replace("/0/", `/${id}/`);
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify(body),
      });
      let data = {};
      try {
        data = await response.json();
      } catch (error) {
        data = {};
      }
      return { ok: response.ok, status: response.status, data };
    } catch (error) {
      return { ok: false, status: 0, data: {} };
    }
  }

  function reason(answer) {
    if (answer.status === 0) return texts.failed;
    if (answer.data.detail) return answer.data.detail;
    const messages = Object.values(answer.data).flat().filter((m) => typeof m === "string");
    return messages.length ? messages.join(" ") : texts.failed;
  }

  function roomName(slug) {
    const option = [...fields.room.options].find((o) => o.value === slug);
    return option ? option.textContent.trim() : slug;
  }

  async function answered(answer, title, done) {
    if (answer.ok) {
      await refresh();
      say(done(answer.data));
      return true;
    }
    await refresh(); // snaps the card back, or shows where it is now (a stale move)
    if (answer.data.code === "stale") refuse(fill(texts.stale, { title }));
    else refuse(fill(texts.refused, { reason: reason(answer) }));
    return false;
  }

  function plan(item, body) {
    const title = item.dataset.title;
    body.version = Number(item.dataset.version);
    return post(config.planPath, item.dataset.session, body).then((answer) =>
      answered(answer, title, (data) =>
        fill(texts.saved, {
          title,
          room: roomName(data.room),
          when: `${slotFormat.format(new Date(data.start))}–${timeFormat.format(
            new Date(data.end)
          )}`,
        })
      )
    );
  }

  function unschedule(item) {
    const title = item.dataset.title;
    const body = { version: Number(item.dataset.version) };
    return post(config.unschedulePath, item.dataset.session, body).then((answer) =>
      answered(answer, title, () => fill(texts.unscheduled, { title }))
    );
  }

  function cancel(item) {
    const title = item.dataset.title;
    const body = { version: Number(item.dataset.version) };
    return post(config.cancelPath, item.dataset.session, body).then((answer) =>
      answered(answer, title, () => fill(texts.cancelled, { title }))
    );
  }

  /* Redraws the strip, the grid and the tray from the page as the server draws it now,
     keeping the grid's scroll position and the focus. */
  async function refresh() {
    if (dragging) {
      refreshWanted = true;
      return;
    }
    let page;
    try {
      const response = await fetch(location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      return;
    }
    const focused = document.activeElement;
    const scroll = [grid().scrollLeft, grid().scrollTop];
    for (const id of ["board-strip", "board-strip-table", "board-grid", "board-tray"]) {
      const fresh = page.getElementById(id);
      const here = document.getElementById(id);
      if (fresh && here) here.replaceWith(document.importNode(fresh, true));
    }
    if (page.getElementById("grid-facts") && document.getElementById("grid-facts")) {
      document.getElementById("grid-facts").textContent =
        page.getElementById("grid-facts").textContent;
    }
    layout();
    [grid().scrollLeft, grid().scrollTop] = scroll;
    // The focus stays where it is, unless it was on a part of the page just replaced.
    if (focused && !focused.isConnected && focused.id && document.getElementById(focused.id)) {
      document.getElementById(focused.id).focus();
    }
    if (selected && !card(selected)) closePanel(false);
  }

  /* ---- The keyboard's way: choose a card, then its day, room and time ---- */

  function openPanel(item) {
    document.querySelectorAll(".card.is-selected").forEach((c) => c.classList.remove("is-selected"));
    selected = item.dataset.session;
    item.classList.add("is-selected");
    panel.hidden = false;
    document.getElementById("move-session").textContent = fill(texts.selected, {
      title: item.dataset.title,
    });
    if (item.dataset.day && [...fields.day.options].some((o) => o.value === item.dataset.day)) {
      fields.day.value = item.dataset.day;
    } else if ([...fields.day.options].some((o) => o.value === config.day)) {
      fields.day.value = config.day;
    }
    if (item.dataset.room) fields.room.value = item.dataset.room;
    const [hour, minute] = (item.dataset.time || timeOfTop()).split(":");
    fields.hour.value = hour;
    if (![...fields.minute.options].some((o) => o.value === minute)) {
      fields.minute.add(new Option(minute, minute)); // planned off the usual step
    }
    fields.minute.value = minute;
    fields.minutes.value = item.dataset.minutes;
    document.getElementById("move-unschedule").hidden = !item.dataset.room;
    fields.day.focus();
  }

  function closePanel(returnFocus) {
    const item = selected && card(selected);
    panel.hidden = true;
    selected = null;
    document.querySelectorAll(".card.is-selected").forEach((c) => c.classList.remove("is-selected"));
    if (returnFocus && item) item.querySelector(".card-select").focus();
  }

  function timeOfTop() {
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: config.timeZone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(grid().dataset.top));
    const value = (type) => parts.find((p) => p.type === type).value;
    return `${value("hour")}:${value("minute")}`;
  }

  /* After a move from the form: once it is done, back to the card (or to the grid when
     it went to another day); after a refusal, the form stays open to try another slot. */
  function afterFormMove(moved) {
    if (!moved) return;
    const id = selected;
    closePanel(false);
    const item = card(id);
    if (item) item.querySelector(".card-select").focus();
    else grid().focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const item = selected && card(selected);
    if (!item) return;
    const moved = await plan(item, {
      room: fields.room.value,
      start: `${fields.day.value}T${fields.hour.value}:${fields.minute.value}`,
      minutes: Number(fields.minutes.value),
    });
    afterFormMove(moved);
  });

  document.getElementById("move-unschedule").addEventListener("click", async () => {
    const item = selected && card(selected);
    if (item) afterFormMove(await unschedule(item));
  });

  document.getElementById("move-cancel-session").addEventListener("click", async () => {
    const item = selected && card(selected);
    if (!item || !window.confirm(fill(texts.confirmCancel, { title: item.dataset.title }))) return;
    afterFormMove(await cancel(item));
  });

  document.getElementById("move-close").addEventListener("click", () => closePanel(true));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel(true);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".card-select");
    if (!button || justDragged) return;
    openPanel(button.closest(".card"));
  });

  /* ---- The mouse's (and finger's) way: drag and resize ---- */

  function snapped(minutes) {
    return Math.max(0, Math.round(minutes / snap) * snap);
  }

  function dropTarget(x, y) {
    for (const element of document.elementsFromPoint(x, y)) {
      if (element.classList.contains("room-lane")) return { lane: element };
      if (element.id === "board-tray") return { tray: true };
    }
    return null;
  }

  function startAt(minutes) {
    return new Date(Date.parse(grid().dataset.top) + minutes * 60000);
  }

  function hint(ghost, x, y) {
    const target = dropTarget(x, y);
    if (!target || !target.lane) {
      ghost.dataset.hint = "";
      return;
    }
    const top = ghost.getBoundingClientRect().top - target.lane.getBoundingClientRect().top;
    ghost.dataset.hint = fill(texts.dropHere, {
      room: target.lane.dataset.roomName,
      time: timeFormat.format(startAt(snapped(top / ppm))),
    });
    ghost.querySelector(".card-ghost-hint").textContent = ghost.dataset.hint;
  }

  function startDragging() {
    if (typeof window.interact !== "function") return;
    let ghost = null;
    let dx = 0;
    let dy = 0;
    window
      .interact(".card")
      .draggable({
        listeners: {
          start(event) {
            dragging = true;
            const item = event.target;
            const rect = item.getBoundingClientRect();
            dx = 0;
            dy = 0;
            ghost = document.createElement("div");
            ghost.className = "card-ghost";
            ghost.setAttribute("aria-hidden", "true");
            const title = document.createElement("strong");
            title.textContent = item.dataset.title;
            const where = document.createElement("span");
            where.className = "card-ghost-hint";
            ghost.append(title, where);
            ghost.style.left = `${rect.left}px`;
            ghost.style.top = `${rect.top}px`;
            ghost.style.width = `${Math.max(rect.width, 160)}px`;
            ghost.style.height = `${Number(item.dataset.minutes) * ppm}px`;
            document.body.append(ghost);
            item.classList.add("is-dragging");
          },
          move(event) {
            dx += event.dx;
            dy += event.dy;
            ghost.style.transform = `translate(${dx}px, ${dy}px)`;
            hint(ghost, event.client.x, event.client.y);
          },
          async end(event) {
            const item = event.target;
            const top = ghost.getBoundingClientRect().top;
            ghost.remove();
            item.classList.remove("is-dragging");
            dragging = false;
            justDragged = true;
            setTimeout(() => {
              justDragged = false;
            }, 0);
            const target = dropTarget(event.client.x, event.client.y);
            if (target && target.lane) {
              const minutes = snapped((top - target.lane.getBoundingClientRect().top) / ppm);
              await plan(item, {
                room: target.lane.dataset.room,
                start: startAt(minutes).toISOString(),
                minutes: Number(item.dataset.minutes),
              });
            } else if (target && target.tray && item.dataset.room) {
              await unschedule(item);
            } else if (refreshWanted) {
              refreshWanted = false;
              await refresh();
            }
          },
        },
      })
      .resizable({
        edges: { bottom: ".resize-handle" },
        modifiers: [window.interact.modifiers.restrictSize({ min: { height: snap * ppm } })],
        listeners: {
          start() {
            dragging = true;
          },
          move(event) {
            event.target.style.height = `${event.rect.height}px`;
          },
          async end(event) {
            const item = event.target;
            dragging = false;
            const minutes = Math.max(snap, snapped(event.rect.height / ppm));
            await plan(item, {
              room: item.dataset.room,
              start: startAt(Number(item.dataset.offset)).toISOString(),
              minutes,
            });
          },
        },
      });
  }

  /* ---- Live: other organisers' moves arrive as notices; the page is read again ---- */

  let retryDelay = 500;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${config.socketPath}`);
    let opened = false;
    socket.addEventListener("open", () => {
      if (retryDelay > 500) refresh(); // catch up on what was missed meanwhile
      retryDelay = 500;
      opened = true;
      connection.dataset.state = "live";
      connection.textContent = texts.live;
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "plan") refresh();
    });
    socket.addEventListener("close", () => {
      if (opened) {
        connection.dataset.state = "reconnecting";
        connection.textContent = texts.reconnecting;
      }
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  layout();
  startDragging();
  connect();
})();
