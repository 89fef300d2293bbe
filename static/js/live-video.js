/* Live video of the visit (docs/realtime.md "Live video").
 *
 * Markup: #live-video with data-video-socket="/ws/orders/<n>/video/[?t=…]" and data-video-role:
 * - "publisher" (the order's technician, on his phone): camera + microphone, one RTCPeerConnection per
 *   viewer (offered when a viewer says "join"), and, when the customer consented, a MediaRecorder whose
 *   chunks are uploaded while streaming (offset-checked PATCHes: after a dropped connection the page asks
 *   the server how much it has and sends the rest), finished with a POST that returns the SHA-256.
 * - "viewer" (the customer, staff in scope): answers the technician's offer and plays the stream.
 * Signaling messages: {kind: join|offer|answer|ice|publisher|publisher-left|leave, from, to, data}; the
 * server stamps "from" itself. ICE servers come from the page (#live-video-ice, settings.ANXIN_ICE_SERVERS).
 */
(function () {
  // Loaded async (the tracking page's DOMContentLoaded must not wait for it): start once the DOM is ready.
  function start() {
  "use strict";
  var root = document.getElementById("live-video");
  if (!root || root.dataset.started) return;
  root.dataset.started = "1";

  var role = root.dataset.videoRole;
  var iceServers = [];
  try { iceServers = JSON.parse(document.getElementById("live-video-ice").textContent) || []; } catch (e) { /* [] */ }
  var stateBox = document.getElementById("video-state");
  var muteButton = document.getElementById("video-mute");
  function say(text) { if (stateBox) stateBox.textContent = text; }
  function wsUrl(path) { return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path; }

  // --- the socket (reconnects with backoff; the server refuses until the order is on site) ---------------
  var socket = null, backoff = 1000, onMessage = null, onOpen = null, wanted = true;
  function connect() {
    if (!wanted) return;
    socket = new WebSocket(wsUrl(root.dataset.videoSocket));
    socket.onopen = function () { backoff = 1000; if (onOpen) onOpen(); };
    socket.onmessage = function (ev) { var msg = JSON.parse(ev.data); if (onMessage) onMessage(msg); };
    socket.onclose = function () {
      socket = null;
      // Refused at the handshake (not on site yet) or dropped: try again, less and less often.
      if (!wanted) return;
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }
  function send(msg) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(msg)); }

  function newPeer(onCandidate) {
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    pc.onicecandidate = function (ev) { if (ev.candidate) onCandidate(ev.candidate.toJSON()); };
    pc.pending = []; // candidates that arrive before the remote description
    return pc;
  }
  function addCandidate(pc, candidate) {
    if (!candidate) return;
    if (pc.remoteDescription) pc.addIceCandidate(candidate).catch(function () {});
    else pc.pending.push(candidate);
  }
  function flushCandidates(pc) {
    pc.pending.forEach(function (c) { pc.addIceCandidate(c).catch(function () {}); });
    pc.pending = [];
  }

  function setMuteLabel(muted) {
    if (!muteButton) return;
    muteButton.setAttribute("aria-pressed", muted ? "true" : "false");
    muteButton.textContent = muted ? muteButton.dataset.unmuteLabel : muteButton.dataset.muteLabel;
  }
  if (muteButton) {
    muteButton.dataset.muteLabel = muteButton.textContent;
    muteButton.dataset.unmuteLabel = root.dataset.unmuteLabel;
  }

  // --- viewer ------------------------------------------------------------------------------------------
  function viewer() {
    var player = document.getElementById("live-video-player");
    if (!player) return;
    var pc = null, session = null; // session: the technician's socket whose offer we answered
    function hangUp() { if (pc) { pc.close(); pc = null; } }
    onOpen = function () { send({ kind: "join" }); };
    onMessage = function (msg) {
      // A technician (re)connected: ask for an offer, unless it is the one already streaming to us.
      if (msg.kind === "publisher") { if (msg.session !== session) send({ kind: "join" }); return; }
      if (msg.kind === "publisher-left") { hangUp(); session = null; player.hidden = true; say(root.dataset.endedLabel); return; }
      if (msg.kind === "offer") {
        hangUp();
        session = msg.session;
        pc = newPeer(function (c) { send({ kind: "ice", data: c }); });
        pc.ontrack = function (ev) {
          if (player.srcObject !== ev.streams[0]) {
            player.srcObject = ev.streams[0];
            player.hidden = false;
            if (muteButton) muteButton.hidden = false;
            // Audio on by default; a browser that refuses autoplay with sound plays it muted instead.
            player.play().catch(function () { player.muted = true; setMuteLabel(true); player.play(); });
            say("");
          }
        };
        var current = pc;
        current.setRemoteDescription(msg.data)
          .then(function () { flushCandidates(current); return current.createAnswer(); })
          .then(function (answer) { return current.setLocalDescription(answer); })
          .then(function () { send({ kind: "answer", data: current.localDescription.toJSON() }); })
          .catch(function (err) { say(String(err)); });
        return;
      }
      if (msg.kind === "ice" && pc) addCandidate(pc, msg.data);
    };
    if (muteButton) muteButton.addEventListener("click", function () {
      player.muted = !player.muted;
      setMuteLabel(player.muted);
    });
    connect();
  }

  // --- publisher: uploads -----------------------------------------------------------------------------
  function Uploader(startUrl, csrf) {
    this.startUrl = startUrl; this.csrf = csrf; this.url = null;
    this.sent = 0;        // bytes the server confirmed
    this.queue = [];      // Blobs not yet confirmed, in order
    this.busy = false; this.failed = null;
  }
  Uploader.prototype.headers = function (extra) {
    var h = { "X-CSRFToken": this.csrf, "Accept": "application/json" };
    for (var k in extra) h[k] = extra[k];
    return h;
  };
  Uploader.prototype.start = function () {
    var self = this;
    return fetch(this.startUrl, { method: "POST", headers: this.headers({}), credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { if (!r.ok) throw new Error(body.detail); return body; }); })
      .then(function (body) { self.url = self.startUrl + body.id + "/"; return body; });
  };
  Uploader.prototype.push = function (blob) { if (blob && blob.size) { this.queue.push(blob); this.pump(); } };
  Uploader.prototype.pump = function () {
    var self = this;
    if (this.busy || !this.url || !this.queue.length) return Promise.resolve();
    this.busy = true;
    var body = new Blob(this.queue);
    var count = this.queue.length;
    return fetch(this.url, {
      method: "PATCH", body: body, credentials: "same-origin",
      headers: this.headers({ "Upload-Offset": String(this.sent), "Content-Type": "application/offset+octet-stream" })
    }).then(function (r) {
      if (r.ok) { self.sent += body.size; self.queue.splice(0, count); return; }
      if (r.status === 409 && r.headers.get("Upload-Offset") !== null) return self.resync(Number(r.headers.get("Upload-Offset")));
      return r.json().then(function (e) { self.failed = e.detail || String(r.status); throw new Error(self.failed); });
    }, function () {
      // Network gone: ask how much arrived once it is back, then send the rest.
      return new Promise(function (ok) { setTimeout(ok, 1000); }).then(function () { return self.askOffset(); });
    }).then(function () { self.busy = false; if (!self.failed) return self.pump(); }, function () { self.busy = false; });
  };
  Uploader.prototype.askOffset = function () {
    var self = this;
    return fetch(this.url, { method: "GET", headers: this.headers({}), credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) { return self.resync(body.offset); }, function () { /* still offline: next pump retries */ });
  };
  Uploader.prototype.resync = function (serverOffset) {
    // Drop what the server already has from the front of the queue.
    var drop = serverOffset - this.sent;
    if (drop < 0) { this.failed = "offset"; return; }
    var whole = new Blob(this.queue);
    this.queue = [whole.slice(drop)];
    this.sent = serverOffset;
  };
  Uploader.prototype.drain = function () {
    var self = this;
    if (this.failed) return Promise.reject(new Error(this.failed));
    if (!this.queue.length && !this.busy) return Promise.resolve();
    return new Promise(function (ok) { setTimeout(ok, 200); }).then(function () { self.pump(); return self.drain(); });
  };
  Uploader.prototype.finish = function () {
    var self = this;
    return this.drain().then(function () {
      return fetch(self.url + "finish/", { method: "POST", headers: self.headers({}), credentials: "same-origin" });
    }).then(function (r) { return r.json().then(function (body) { if (!r.ok) throw new Error(body.detail); return body; }); });
  };

  // --- publisher -----------------------------------------------------------------------------------------
  function publisher() {
    var startButton = document.getElementById("video-start");
    var stopButton = document.getElementById("video-stop");
    var preview = document.getElementById("live-video-local");
    var recordBox = document.getElementById("video-recording-state");
    var consentBox = document.getElementById("video-consent-state");
    if (!startButton) return;
    var stream = null, peers = {}, recorder = null, uploader = null;

    function offerTo(peer) {
      if (peers[peer]) peers[peer].close();
      var pc = newPeer(function (c) { send({ kind: "ice", to: peer, data: c }); });
      peers[peer] = pc;
      stream.getTracks().forEach(function (t) { pc.addTrack(t, stream); });
      pc.createOffer()
        .then(function (offer) { return pc.setLocalDescription(offer); })
        .then(function () { send({ kind: "offer", to: peer, data: pc.localDescription.toJSON() }); });
    }
    onMessage = function (msg) {
      if (msg.kind === "hello") {
        if (consentBox) consentBox.dataset.consent = msg.consent ? "1" : "0";
        return;
      }
      if (!stream) return;
      if (msg.kind === "join") { offerTo(msg.from); return; }
      var pc = peers[msg.from];
      if (!pc) return;
      if (msg.kind === "answer") pc.setRemoteDescription(msg.data).then(function () { flushCandidates(pc); });
      else if (msg.kind === "ice") addCandidate(pc, msg.data);
      else if (msg.kind === "leave") { pc.close(); delete peers[msg.from]; }
    };

    function startRecording() {
      if (!consentBox || consentBox.dataset.consent !== "1" || !window.MediaRecorder) return;
      uploader = new Uploader(root.dataset.recordUrl, root.dataset.csrf);
      uploader.start().then(function () {
        var type = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp8", "video/webm"].filter(function (t) {
          return MediaRecorder.isTypeSupported(t);
        })[0];
        recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
        recorder.ondataavailable = function (ev) { uploader.push(ev.data); };
        recorder.start(1000); // a chunk a second: at most a second is lost if the phone dies
        if (recordBox) recordBox.textContent = recordBox.dataset.recordingLabel;
      }, function (err) { if (recordBox) recordBox.textContent = String(err.message || err); });
    }
    function stopRecording() {
      if (!recorder) return Promise.resolve(null);
      var done = new Promise(function (ok) { recorder.onstop = ok; });
      recorder.stop();
      return done.then(function () { return uploader.finish(); }).then(function (result) {
        root.dataset.recordingSha256 = result.sha256;
        if (recordBox) recordBox.textContent = "SHA-256 " + result.sha256;
        return result;
      }, function (err) { if (recordBox) recordBox.textContent = String(err.message || err); });
    }

    startButton.addEventListener("click", function () {
      startButton.disabled = true;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: true })
        .then(function (s) {
          stream = s;
          preview.srcObject = s;
          startButton.hidden = true; stopButton.hidden = false; muteButton.hidden = false;
          root.dataset.streaming = "1";
          connect();
          startRecording();
        }, function (err) { startButton.disabled = false; say(String(err.message || err)); });
    });
    muteButton.addEventListener("click", function () {
      var audio = stream ? stream.getAudioTracks() : [];
      var muted = audio.length && audio[0].enabled;
      audio.forEach(function (t) { t.enabled = !muted; });
      setMuteLabel(Boolean(muted));
    });
    stopButton.addEventListener("click", function () {
      stopButton.disabled = true;
      stopRecording().then(function () {
        wanted = false;
        if (socket) socket.close();
        Object.keys(peers).forEach(function (p) { peers[p].close(); });
        stream.getTracks().forEach(function (t) { t.stop(); });
        root.dataset.streaming = "0";
        stopButton.hidden = true; muteButton.hidden = true;
      });
    });
  }

  if (role === "publisher") publisher(); else viewer();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
