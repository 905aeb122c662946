// Reads a badge's QR code with the device's camera, on the booth scanner page
// (templates/exhibitors/scan.html) and the gate scanner page (templates/ticketing/
// scanner.html), both of which include templates/_camera.html.
//
// The camera starts only when the "Use camera" button is pressed, and stops when the
// button is pressed again or when the page is hidden. By default it also stops when a code
// is read (the booth page: a lead needs a note); a continuous camera (the gate) goes on
// to the next badge once the page has dealt with the code it read. Frames are
// decoded in the page: with the browser's BarcodeDetector where it reads QR codes
// (Chrome on Android, Safari), else with jsQR (static/vendor/jsqr), which must be loaded
// before this file. A keyboard-wedge scanner keeps working beside it: the camera only
// hands over the code it reads.
//
// ExpoCamera.attach(root, onCode, options) wires a camera block to a function that gets
// each code read, and answers an object whose stop() lets go of the camera. With
// options.continuous the camera keeps looking after a read: it waits for what onCode
// answers (a promise, such as the scan's request) and then reads the next badge, ignoring
// the code it has just read until that code has been out of sight for REPEAT_PAUSE, so a
// badge held in front of the camera is sent once; shown again after that, it is sent
// again and answered as the server answers a repeat. A block with
// data-camera-input="<id>" needs no script of its own: the code goes into that input and
// its form is sent, as if a wedge scanner had typed it.
(function () {
  "use strict";

  // How often a frame is looked at, and how large it is drawn for jsQR (pixels on its
  // longer side): a badge held at a phone's distance fills enough of it.
  const FRAME_INTERVAL = 150;
  const DECODE_SIZE = 800;
  // How long a continuous camera ignores the code it read last, counted from the last
  // frame that showed it or from the page's answer, whichever came later (milliseconds).
  const REPEAT_PAUSE = 3000;

  function errorText(error, texts) {
    switch (error && error.name) {
      case "NotAllowedError":
      case "PermissionDeniedError":
      case "SecurityError":
        return texts.denied;
      case "NotFoundError":
      case "DevicesNotFoundError":
      case "OverconstrainedError":
        return texts.missing;
      case "NotReadableError":
      case "TrackStartError":
        return texts.busy;
      default:
        return texts.failed;
    }
  }

  // A function that looks at one video frame and resolves to the code on it, or null.
  async function makeReader() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async function (video) {
            const found = await detector.detect(video);
            return found.length ? found[0].rawValue : null;
          };
        }
      } catch (error) {
        // Fall through to jsQR.
      }
    }
    if (typeof window.jsQR !== "function") return null;
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async function (video) {
      const scale = Math.min(1, DECODE_SIZE / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      if (!canvas.width || !canvas.height) return null;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      return found && found.data ? found.data : null;
    };
  }

  function attach(root, onCode, options) {
    const continuous = Boolean(options && options.continuous);
    const button = root.querySelector(".camera-toggle");
    const video = root.querySelector(".camera-preview");
    const status = root.querySelector(".camera-status");
    const texts = root.dataset;
    let stream = null;
    let timer = null;
    // Each start gets a number; a start that was stopped while the browser was still
    // asking for the camera lets go of the camera it gets.
    let attempt = 0;
    // A continuous camera's last code read, and when a frame last showed it.
    let lastCode = null;
    let lastSeen = 0;

    function say(text) {
      status.textContent = text || "";
    }

    function stop(message) {
      attempt++;
      clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      root.dataset.state = "off";
      button.textContent = texts.textStart;
      button.setAttribute("aria-pressed", "false");
      if (message !== undefined) say(message);
    }

    async function start() {
      const mine = ++attempt;
      root.dataset.state = "starting";
      button.textContent = texts.textStop;
      button.setAttribute("aria-pressed", "true");
      say(texts.textStarting);
      const read = await makeReader();
      if (mine !== attempt) return; // stopped meanwhile
      if (!read || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        stop(texts.textFailed);
        return;
      }
      let camera;
      try {
        camera = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment" },
          audio: false,
        });
      } catch (error) {
        if (mine === attempt) stop(errorText(error, {
          denied: texts.textDenied,
          missing: texts.textMissing,
          busy: texts.textBusy,
          failed: texts.textFailed,
        }));
        return;
      }
      if (mine !== attempt) {
        camera.getTracks().forEach(function (track) { track.stop(); });
        return;
      }
      stream = camera;
      video.srcObject = camera;
      video.hidden = false;
      try {
        await video.play();
      } catch (error) {
        if (mine === attempt) stop(texts.textFailed);
        return;
      }
      root.dataset.state = "on";
      lastCode = null;
      say(texts.textLooking);
      look(read, mine);
    }

    // Whether a continuous camera should leave a code alone: it is the badge just read,
    // still (or a moment ago) in front of the camera.
    function ignored(code) {
      if (code !== lastCode) return false;
      const now = Date.now();
      const recent = now - lastSeen < REPEAT_PAUSE;
      lastSeen = now;
      return recent;
    }

    async function deliver(code, read, mine) {
      lastCode = code;
      lastSeen = Date.now();
      say(texts.textRead);
      try {
        await onCode(code);
      } catch (error) {
        // The page shows its own failures; the camera goes on.
      }
      if (mine !== attempt) return; // stopped meanwhile
      lastSeen = Date.now();
      say(texts.textNext);
      look(read, mine);
    }

    function look(read, mine) {
      timer = setTimeout(async function () {
        let code = null;
        try {
          if (video.readyState >= video.HAVE_CURRENT_DATA) code = await read(video);
        } catch (error) {
          code = null; // An unreadable frame: try the next one.
        }
        if (mine !== attempt) return;
        if (code && !continuous) {
          stop(texts.textRead);
          onCode(code);
        } else if (code && !ignored(code)) {
          deliver(code, read, mine);
        } else {
          look(read, mine);
        }
      }, FRAME_INTERVAL);
    }

    button.addEventListener("click", function () {
      if (root.dataset.state === "off") start();
      else stop(texts.textStopped);
    });
    // A hidden page (another app, a locked phone) lets go of the camera.
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && root.dataset.state !== "off") stop(texts.textStopped);
    });
    window.addEventListener("pagehide", function () { stop(); });

    root.dataset.state = "off";
    button.hidden = false;
    return {
      stop: function () {
        if (root.dataset.state !== "off") stop(texts.textStopped);
      },
      running: function () {
        return root.dataset.state !== "off";
      },
    };
  }

  function fillInput(root) {
    const input = document.getElementById(root.dataset.cameraInput);
    attach(root, function (code) {
      input.value = code;
      input.form.requestSubmit();
    });
  }

  window.ExpoCamera = { attach: attach };
  document.querySelectorAll("[data-camera-input]").forEach(fillInput);
})();
