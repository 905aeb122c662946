// The gate scanner page: sends each scanned code, typed by a keyboard-wedge scanner or
// read by the camera, to the check-in API and fills the screen with the answer, green to
// let in or out, red to stop. No build step.
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
  let hideTimer = null;
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

  function show(admitted, result, name, detail) {
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

  async function check(code) {
    code = code.trim();
    if (!code) return;
    const headers = { "Content-Type": "application/json" };
    if (signedIn) {
      headers["X-CSRFToken"] = scanForm.querySelector("input[name=csrfmiddlewaretoken]").value;
    } else {
      headers["Authorization"] = "Token " + deviceKey();
    }
    let response;
    try {
      response = await send({
        method: "POST",
        headers: headers,
        credentials: "same-origin",
        body: JSON.stringify({
          code: code, scan_point: config.scanPoint, expo: config.expo, direction: direction(),
          nonce: newNonce(),
        }),
      });
    } catch (error) {
      show(false, config.texts.unreachable);
      return;
    } finally {
      scanStatus.textContent = "";
    }
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
    show(config.admitted.includes(body.result), body.message, body.ticket && body.ticket.holder_name, detail);
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
    }
  });

  if (!signedIn && deviceKey()) showScanForm();
})();
