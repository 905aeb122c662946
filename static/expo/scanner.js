// The gate scanner page: sends each scanned code, typed by a keyboard-wedge scanner or
// read by the camera, to the check-in API and fills the screen with the answer, green to
// let in or out, red to stop. Without a network it decides on the device
// (static/expo/offline.js) and keeps the scans to send them, oldest first, once the
// server answers again. No build step.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("scanner-config").textContent);
  const scanForm = document.getElementById("scan-form");
  const deviceForm = document.getElementById("device-form");
  const codeInput = document.getElementById("code");
  const answer = document.getElementById("answer");
  const scanStatus = document.getElementById("scan-status");
  // How long to wait before each retry of a scan that got no answer (milliseconds).
  const retryDelays = [500, 1000, 2000];
  const signedIn = scanForm.dataset.signedIn === "1";
  const keyName = "expo-scanner-key";
  const offline = window.ExpoOffline;
  offline.keptLibrary = config.ed25519Url;
  const place = config.expo + "/" + config.scanPoint;
  // How many kept scans go in one request, and how long to wait before sending again
  // after a failure (milliseconds, growing up to the last).
  const batchSize = 200;
  const syncDelays = [1000, 2000, 5000, 10000, 30000];
  // The data is fetched again this often while online (milliseconds).
  const refreshEvery = 5 * 60 * 1000;
  let hideTimer = null;
  let store = null;
  let prepared = null; // the fetched data, indexed (ExpoOffline.prepare)
  let syncing = false;
  let syncFailures = 0;
  let syncTimer = null;
  // The network is there but the server did not answer the last request.
  let unreachable = false;
  // The camera reads badge after badge until its button is pressed again or the page is
  // hidden (static/expo/camera.js): each code is checked, and its answer shown, before
  // the next is read.
  const camera = window.ExpoCamera.attach(scanForm.querySelector("[data-camera]"), check, {
    continuous: true,
  });

  // Ready for the next badge from a keyboard-wedge scanner, which types wherever the focus
  // is. Not while the camera reads: on a phone a focused input opens the on-screen
  // keyboard over the camera's view.
  function awaitNextCode() {
    if (!camera.running()) codeInput.focus();
  }

  function deviceKey() {
    return sessionStorage.getItem(keyName);
  }

  function showScanForm() {
    deviceForm.hidden = true;
    scanForm.hidden = false;
    codeInput.focus();
  }

  function showDeviceForm() {
    camera.stop(); // it would go on reading badges behind the key's form
    sessionStorage.removeItem(keyName);
    scanForm.hidden = true;
    deviceForm.hidden = false;
    document.getElementById("device-key").focus();
  }

  function direction() {
    const chosen = scanForm.querySelector("input[name=direction]:checked");
    return chosen ? chosen.value : scanForm.querySelector("input[name=direction]").value;
  }

  function show(admitted, result, name, detail, checkedOffline) {
    document.getElementById("answer-offline").hidden = !checkedOffline;
    answer.classList.toggle("admitted", admitted);
    answer.classList.toggle("refused", !admitted);
    document.getElementById("answer-result").textContent = result;
    document.getElementById("answer-name").textContent = name || "";
    document.getElementById("answer-detail").textContent = detail || "";
    answer.dataset.result = admitted ? "admitted" : "refused";
    answer.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, admitted ? 2500 : 5000);
    codeInput.value = "";
    awaitNextCode();
  }

  function hide() {
    answer.hidden = true;
    awaitNextCode();
  }

  // A new nonce for each scan; crypto.randomUUID needs a secure context (HTTPS or
  // 127.0.0.1), so plain HTTP elsewhere makes one from random bytes.
  function newNonce() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  function wait(milliseconds) {
    return new Promise(function (resolve) { setTimeout(resolve, milliseconds); });
  }

  // Sends the scan, and sends the same request again, nonce and all, when the network
  // fails: if the first one did reach the server, it answers the retry with the first
  // scan's result instead of counting the badge twice.
  async function send(request) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(config.checkinUrl, request);
      } catch (error) {
        if (attempt >= retryDelays.length) throw error;
        scanStatus.textContent = config.texts.retrying;
        await wait(retryDelays[attempt]);
      }
    }
  }

  function authHeaders() {
    const headers = { "Content-Type": "application/json" };
    if (signedIn) {
      headers["X-CSRFToken"] = scanForm.querySelector("input[name=csrfmiddlewaretoken]").value;
    } else {
      headers["Authorization"] = "Token " + deviceKey();
    }
    return headers;
  }

  function interpolate(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  }

  function online() {
    return navigator.onLine !== false;
  }

  function admittedKey(day, ticketId) {
    return place + "/" + day + "/" + ticketId;
  }

  // Remembers who this device let in here today, online or not, so that the same badge
  // is refused "already_inside" offline; an exit forgets it.
  async function remember(result, ticketId, day) {
    if (!store || ticketId === null || ticketId === undefined) return;
    if (result === "entered") await store.put("admitted", true, admittedKey(day, ticketId));
    else if (result === "exited") await store.delete("admitted", admittedKey(day, ticketId));
  }

  // ---- The state shown on the page ----

  async function showState() {
    const networkState = document.getElementById("network-state");
    const connected = online() && !unreachable;
    networkState.textContent = connected ? config.texts.online : config.texts.offline;
    networkState.classList.toggle("offline", !connected);
    if (store) {
      const count = await store.count("pending");
      document.getElementById("pending-count").textContent = interpolate(config.texts.pending, { count: count });
    }
    const age = document.getElementById("data-age");
    const warning = document.getElementById("data-warning");
    if (!prepared) {
      age.textContent = config.texts.noData;
      warning.hidden = true;
      return;
    }
    const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(prepared.data.fetched_at)) / 60000));
    age.textContent = interpolate(config.texts.age, { minutes: minutes });
    warning.textContent = interpolate(config.texts.stale, { minutes: config.warnMinutes });
    warning.hidden = minutes < config.warnMinutes;
  }

  // ---- The data to decide offline ----

  async function refreshData() {
    if (!store || !online() || (!signedIn && !deviceKey())) return;
    try {
      const response = await fetch(config.offlineDataUrl, { headers: authHeaders(), credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      await store.put("data", data, place);
      prepared = offline.prepare(data);
    } catch (error) {
      // No network: the data kept from before serves.
    }
    showState();
  }

  // ---- Scans made offline ----

  async function checkOffline(code, nonce) {
    const way = direction();
    const ticketId = prepared ? await offline.verify(prepared, code) : null;
    const day = offline.today(prepared ? prepared.data.expo.time_zone : undefined);
    let result;
    if (way === "out") {
      result = ticketId === null ? "invalid_code" : "exited"; // nobody is kept inside
    } else {
      const before = ticketId !== null && Boolean(await store.get("admitted", admittedKey(day, ticketId)));
      result = offline.decide(prepared || offline.prepare(emptyData), ticketId, day, before);
    }
    await store.put("pending", {
      // A NUL byte can be no code's; the server refuses a batch holding one.
      code: code.replace(/\u0000/g, "").slice(0, 500), direction: way, nonce: nonce, scanned_at: new Date().toISOString(),
      offline_result: result === "unknown" ? "invalid_code" : result,
    });
    await remember(result, ticketId, day);
    const ticket = prepared && ticketId !== null ? prepared.tickets.get(ticketId) : null;
    const type = ticket ? prepared.types.get(ticket[1]) : null;
    const text = result === "unknown" ? config.texts.unknown : config.answers[result];
    show(config.admitted.includes(result), text, "", type ? type.name : "", true);
    showState();
    scheduleSync(0);
  }

  const emptyData = { expo: { id: null }, scan_point: {}, keys: [], ticket_types: [], tickets: [], cancelled: [] };

  function scheduleSync(delay) {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(sync, delay);
  }

  // Sends the kept scans, oldest first, a batch at a time; each is stored once however
  // often it is sent (its nonce). A batch that fails is sent again later.
  async function sync() {
    if (syncing || !store || !online() || (!signedIn && !deviceKey())) return;
    syncing = true;
    try {
      for (;;) {
        const scans = await store.oldest(batchSize);
        if (!scans.length) break;
        const response = await fetch(config.offlineSyncUrl, {
          method: "POST",
          headers: authHeaders(),
          credentials: "same-origin",
          body: JSON.stringify({
            scan_point: config.scanPoint,
            expo: config.expo,
            scans: scans.map(function (scan) {
              return {
                code: scan.code, direction: scan.direction, nonce: scan.nonce,
                scanned_at: scan.scanned_at, offline_result: scan.offline_result,
              };
            }),
          }),
        });
        if (response.status === 401 || response.status === 403) {
          scanStatus.textContent = config.texts.syncRefused;
          return;
        }
        if (!response.ok) throw new Error(response.statusText);
        await response.json(); // every scan sent has its answer: stored, or malformed
        await store.removeSent(scans.map(function (scan) { return scan.id; }));
        syncFailures = 0;
        unreachable = false;
        showState();
      }
    } catch (error) {
      unreachable = true;
      showState();
      scheduleSync(syncDelays[Math.min(syncFailures++, syncDelays.length - 1)]);
    } finally {
      syncing = false;
    }
  }

  // ---- A scan ----

  async function check(code) {
    code = code.trim();
    if (!code) return;
    const nonce = newNonce();
    if (!online() && store) {
      await checkOffline(code, nonce);
      return;
    }
    let response;
    try {
      response = await send({
        method: "POST",
        headers: authHeaders(),
        credentials: "same-origin",
        body: JSON.stringify({
          code: code, scan_point: config.scanPoint, expo: config.expo, direction: direction(),
          nonce: nonce,
        }),
      });
    } catch (error) {
      response = null;
    } finally {
      scanStatus.textContent = "";
    }
    // No answer, or none from the application (a proxy's 502 while it restarts): the
    // device decides. The same nonce goes with the kept scan: if the request did reach
    // the server, it answers the kept one with this scan's result and stores nothing twice.
    unreachable = response === null || response.status >= 500;
    if (unreachable) {
      if (store) await checkOffline(code, nonce);
      else show(false, config.texts.unreachable);
      return;
    }
    showState();
    if (response.status === 401 || response.status === 403) {
      show(false, config.texts.refused);
      if (!signedIn) showDeviceForm();
      return;
    }
    const body = await response.json();
    if (!response.ok) {
      const messages = Object.values(body).flat().join(" ");
      show(false, messages || response.statusText);
      return;
    }
    const occupancy = body.occupancy || {};
    const detail = occupancy.capacity
      ? occupancy.inside + " / " + occupancy.capacity
      : (body.ticket ? body.ticket.ticket_type_name : "");
    if (body.ticket && prepared) remember(body.result, body.ticket.id, offline.today(prepared.data.expo.time_zone));
    show(config.admitted.includes(body.result), body.message, body.ticket && body.ticket.holder_name, detail, false);
  }

  scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    check(codeInput.value);
  });
  codeInput.addEventListener("keydown", function () {
    if (!answer.hidden) hide();
  });
  // A tap on the answer puts it away, so the camera's button can be reached at once.
  answer.addEventListener("click", hide);
  document.addEventListener("click", function (event) {
    if (!scanForm.hidden && !event.target.closest("button, input, label")) awaitNextCode();
  });
  deviceForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const key = document.getElementById("device-key").value.trim();
    if (key) {
      sessionStorage.setItem(keyName, key);
      showScanForm();
      update();
    }
  });

  if (!signedIn && deviceKey()) showScanForm();

  window.addEventListener("online", function () {
    showState();
    update();
  });
  window.addEventListener("offline", showState);
  setInterval(function () {
    showState();
    if (online()) update();
  }, refreshEvery);
  setInterval(showState, 30000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.workerUrl).catch(function () {});
  }
  // Updates run one after another, from the moment the store is open; the page says it
  // is ready (for its tests) once the last one has fetched the data and sent the scans.
  let updating = offline.openStore().then(async function (opened) {
    store = opened;
    const kept = await store.get("data", place);
    if (kept) prepared = offline.prepare(kept);
    await store.forgetBefore(place, offline.today(kept ? kept.expo.time_zone : undefined));
  }).catch(function () {}).then(showState);

  function update() {
    delete scanForm.dataset.ready;
    updating = updating.then(refreshData).then(sync).catch(function () {}).then(function () {
      scanForm.dataset.ready = "1";
    });
    return updating;
  }

  update();
})();
