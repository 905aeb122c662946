// What the gate scanner needs to decide without the server (docs/codes.md, "Scanning
// offline"): it verifies a badge's Ed25519 signature with WebCrypto, looks the ticket up
// in the data fetched from the server while online (GET .../scan-points/<slug>/offline/,
// made by ticketing/selectors.py: offline_scan_data), and keeps that data, the badges it
// let in today and the scans still to send in IndexedDB. No build step.
(function () {
  "use strict";
  const DOMAIN = new TextEncoder().encode("expo-ticket-code");
  const VERSION = 1;
  const SIGNATURE_LENGTH = 64;
  const MAX_CODE_LENGTH = 120;

  // ---- Codes (the layout of ticketing/codes.py) ----

  function fromBase64Url(text) {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - text.length % 4) % 4));
    return Uint8Array.from(binary, function (character) { return character.charCodeAt(0); });
  }

  function toBase64Url(bytes) {
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // A minimal unsigned LEB128 varint at ``position``: [number, next position], or null.
  function readVarint(raw, position) {
    let number = 0;
    let factor = 1;
    for (let index = position; index < Math.min(position + 6, raw.length); index++) {
      const byte = raw[index];
      number += (byte & 0x7f) * factor;
      if (!(byte & 0x80)) {
        if (byte === 0 && factor > 1) return null; // padded: not the canonical spelling
        return [number, index + 1];
      }
      factor *= 128;
    }
    return null;
  }

  // The parts of a code, or null when it is not one (as codes.decode refuses it).
  function decode(code) {
    if (typeof code !== "string") return null;
    code = code.trim();
    if (!code || code.length > MAX_CODE_LENGTH || !/^[A-Za-z0-9_-]+$/.test(code)) return null;
    let raw;
    try {
      raw = fromBase64Url(code);
    } catch (error) {
      return null;
    }
    if (toBase64Url(raw) !== code || raw.length < 4 + SIGNATURE_LENGTH || raw[0] !== VERSION) return null;
    const expo = readVarint(raw, 2);
    if (!expo) return null;
    const ticket = readVarint(raw, expo[1]);
    if (!ticket || raw.length - ticket[1] !== SIGNATURE_LENGTH) return null;
    return {
      keyId: raw[1], expoId: expo[0], ticketId: ticket[0],
      payload: raw.slice(0, ticket[1]), signature: raw.slice(ticket[1]),
    };
  }

  // ---- The data fetched from the server ----

  // Indexes the fetched data for look-ups: ``prepared.data`` is the data itself.
  function prepare(data) {
    const types = new Map(data.ticket_types.map(function (type) { return [type.id, type]; }));
    const tickets = new Map(data.tickets.map(function (row) { return [row[0], row]; }));
    return {
      data: data, types: types, tickets: tickets, cancelled: new Set(data.cancelled),
      keys: new Map(data.keys.map(function (key) { return [key.key_id, key.public_key]; })),
      cryptoKeys: new Map(),
    };
  }

  function rawKey(prepared, keyId) {
    return Uint8Array.from(atob(prepared.keys.get(keyId)), function (c) { return c.charCodeAt(0); });
  }

  function cryptoKey(prepared, keyId) {
    if (!prepared.cryptoKeys.has(keyId)) {
      const key = crypto.subtle.importKey("raw", rawKey(prepared, keyId), { name: "Ed25519" }, false, ["verify"]);
      key.catch(function () {}); // a browser without Ed25519: see ``genuine``
      prepared.cryptoKeys.set(keyId, key);
    }
    return prepared.cryptoKeys.get(keyId);
  }

  let kept = null; // the kept library, loaded only where WebCrypto has no Ed25519

  // Whether ``signature`` over ``signed`` is the key's: with WebCrypto's Ed25519 (Chromium,
  // Safari 17, Firefox 129 on), else with @noble/ed25519 (static/vendor/noble-ed25519),
  // strict as RFC 8032 like the server's verification.
  async function genuine(prepared, keyId, signature, signed) {
    let key;
    try {
      key = await cryptoKey(prepared, keyId);
    } catch (error) {
      if (!window.ExpoOffline.keptLibrary) return false;
      kept = kept || import(window.ExpoOffline.keptLibrary);
      const ed25519 = await kept;
      try {
        return await ed25519.verifyAsync(signature, signed, rawKey(prepared, keyId), { zip215: false });
      } catch (failure) {
        return false;
      }
    }
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed);
    } catch (error) {
      return false;
    }
  }

  // The ticket id a genuine code of this expo names, else null.
  async function verify(prepared, code) {
    const parts = decode(code);
    if (!parts || !prepared.keys.has(parts.keyId)) return null;
    const signed = new Uint8Array(DOMAIN.length + parts.payload.length);
    signed.set(DOMAIN);
    signed.set(parts.payload, DOMAIN.length);
    const verified = await genuine(prepared, parts.keyId, parts.signature, signed);
    return verified && parts.expoId === prepared.data.expo.id ? parts.ticketId : null;
  }

  // The answer to a badge coming in, in the words of the check-in API, as
  // ticketing/services/checkin.py decides it (tests/e2e/test_offline_scanner.py holds the
  // two to the same answers): ``ticketId`` from ``verify``, ``day`` the expo's day as
  // YYYY-MM-DD, ``admittedBefore`` whether this device let the badge in here today.
  // "unknown" is a ticket sold after the data was fetched, which the device cannot judge.
  function decide(prepared, ticketId, day, admittedBefore) {
    if (ticketId === null) return "invalid_code";
    if (prepared.cancelled.has(ticketId)) return "cancelled";
    const ticket = prepared.tickets.get(ticketId);
    if (!ticket) return "unknown";
    const type = prepared.types.get(ticket[1]);
    if (!(ticket[2] || type.days).includes(day)) return "not_valid_today";
    const sessionDay = prepared.data.scan_point.day;
    if ((sessionDay && sessionDay !== day) || !type.admits_here) return "not_valid_here";
    return admittedBefore ? "already_inside" : "entered";
  }

  // Today in the expo's time zone, as YYYY-MM-DD.
  function today(timeZone, now) {
    const parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(now || new Date())
      .forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  // ---- IndexedDB ----

  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = function () { resolve(idbRequest.result); };
      idbRequest.onerror = function () { reject(idbRequest.error); };
    });
  }

  function openStore() {
    const opening = indexedDB.open("expo-scanner", 1);
    opening.onupgradeneeded = function () {
      const db = opening.result;
      db.createObjectStore("data"); // per "<expo>/<scan point>": the fetched data
      db.createObjectStore("admitted"); // "<expo>/<scan point>/<day>/<ticket id>": true
      db.createObjectStore("pending", { keyPath: "id", autoIncrement: true }); // scans to send
    };
    return request(opening).then(function (db) { return new Store(db); });
  }

  function Store(db) { this.db = db; }

  Store.prototype.run = function (name, mode, work) {
    const transaction = this.db.transaction(name, mode);
    const result = request(work(transaction.objectStore(name)));
    return new Promise(function (resolve, reject) {
      transaction.oncomplete = function () { resolve(result); };
      transaction.onerror = function () { reject(transaction.error); };
      transaction.onabort = function () { reject(transaction.error); };
    });
  };
  Store.prototype.get = function (name, key) {
    return this.run(name, "readonly", function (store) { return store.get(key); });
  };
  Store.prototype.put = function (name, value, key) {
    return this.run(name, "readwrite", function (store) { return store.put(value, key); });
  };
  Store.prototype.delete = function (name, key) {
    return this.run(name, "readwrite", function (store) { return store.delete(key); });
  };
  Store.prototype.count = function (name) {
    return this.run(name, "readonly", function (store) { return store.count(); });
  };
  // Forgets the badges let in at ``place`` before ``day``: only today's are needed.
  Store.prototype.forgetBefore = function (place, day) {
    const earlier = IDBKeyRange.bound(place + "/", place + "/" + day, false, true);
    return this.run("admitted", "readwrite", function (store) { return store.delete(earlier); });
  };
  // The oldest ``limit`` scans waiting to be sent.
  Store.prototype.oldest = function (limit) {
    return this.run("pending", "readonly", function (store) { return store.getAll(null, limit); });
  };
  Store.prototype.removeSent = function (ids) {
    const transaction = this.db.transaction("pending", "readwrite");
    const store = transaction.objectStore("pending");
    ids.forEach(function (id) { store.delete(id); });
    return new Promise(function (resolve, reject) {
      transaction.oncomplete = resolve;
      transaction.onerror = function () { reject(transaction.error); };
    });
  };

  window.ExpoOffline = {
    keptLibrary: null, // the URL of static/vendor/noble-ed25519/index.js, set by the page
    decode: decode, prepare: prepare, verify: verify, decide: decide, today: today, openStore: openStore,
  };
})();
