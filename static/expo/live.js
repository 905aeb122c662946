/* The organiser's live dashboard: draws the attendance snapshots the WebSocket sends,
   and reconnects by itself (saying so) when the connection drops. No build step. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("live-config").textContent);
  const texts = config.texts;
  const status = document.getElementById("live-status");
  const svgNS = "http://www.w3.org/2000/svg";
  let retryDelay = 500;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function level(share) {
    if (share >= 1) return ["full", texts.full];
    if (share >= 0.9) return ["nearly-full", texts.nearlyFull];
    return ["quiet", texts.quiet];
  }

  function drawHalls(halls) {
    const list = document.getElementById("halls");
    for (const hall of halls) {
      let item = list.querySelector(`[data-slug="${CSS.escape(hall.slug)}"]`);
      if (!item) continue;
      const share = hall.capacity ? hall.occupancy / hall.capacity : 0;
      const [state, label] = level(share);
      item.dataset.state = state;
      item.querySelector(".bar-fill").style.width = `${Math.min(share, 1) * 100}%`;
      item.querySelector(".hall-figure").textContent =
        `${hall.occupancy} / ${hall.capacity} (${Math.round(share * 100)} %)`;
      item.querySelector(".hall-state").textContent = label;
    }
  }

  function drawSessions(sessions) {
    const body = document.getElementById("sessions");
    body.replaceChildren();
    if (!sessions.length) {
      const row = body.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 4;
      cell.textContent = texts.noSessions;
      return;
    }
    for (const session of sessions) {
      const row = body.insertRow();
      for (const value of [session.title, session.room, session.present, session.capacity]) {
        row.insertCell().textContent = value;
      }
    }
  }

  function drawChart(hours) {
    const svg = document.getElementById("hourly-chart");
    svg.replaceChildren();
    const width = 600, height = 220, bottom = 24, top = 16;
    const most = Math.max(1, ...hours.map((h) => h.entries));
    const slot = width / Math.max(hours.length, 1);
    hours.forEach((hour, index) => {
      const barHeight = ((height - bottom - top) * hour.entries) / most;
      const bar = document.createElementNS(svgNS, "rect");
      bar.setAttribute("x", index * slot + slot * 0.15);
      bar.setAttribute("width", slot * 0.7);
      bar.setAttribute("y", height - bottom - barHeight);
      bar.setAttribute("height", barHeight);
      bar.setAttribute("class", "chart-bar");
      svg.append(bar);
      const value = document.createElementNS(svgNS, "text");
      value.setAttribute("x", index * slot + slot / 2);
      value.setAttribute("y", height - bottom - barHeight - 4);
      value.setAttribute("class", "chart-value");
      value.textContent = hour.entries;
      svg.append(value);
      const label = document.createElementNS(svgNS, "text");
      label.setAttribute("x", index * slot + slot / 2);
      label.setAttribute("y", height - 6);
      label.setAttribute("class", "chart-label");
      label.textContent = config.hourLabels[hour.hour] || hour.hour;
      svg.append(label);
    });
    document.getElementById("chart-summary").textContent =
      hours.map((h) => `${config.hourLabels[h.hour] || h.hour}: ${h.entries}`).join(", ");
  }

  function draw(data) {
    document.getElementById("on-site").textContent = data.on_site;
    document.getElementById("entries-today").textContent = data.entries_today;
    drawHalls(data.halls);
    drawSessions(data.sessions);
    drawChart(data.entries_by_hour);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${config.socketPath}`);
    socket.addEventListener("open", () => {
      retryDelay = 500;
      setStatus("live", texts.live);
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "attendance") draw(message.data);
    });
    socket.addEventListener("close", () => {
      setStatus("reconnecting", texts.reconnecting);
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  draw(JSON.parse(document.getElementById("live-initial").textContent));
  connect();
})();
