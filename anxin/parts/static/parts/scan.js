// Scan a part's QR label with the phone camera (jsQR decodes the frames) into the code field.
// Typing the code always works too; the scanner only fills the same input.
(function () {
  "use strict";
  var script = document.currentScript;
  var dialog, video, state, stream, target, timer;

  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    if (dialog && dialog.open) dialog.close();
  }

  function frame(canvas, context) {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR && window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        target.value = found.data.trim();
        stop();
        target.focus();
        return;
      }
    }
    timer = setTimeout(function () { frame(canvas, context); }, 150);
  }

  function start(input) {
    target = input;
    dialog = document.getElementById("scanner");
    video = document.getElementById("scanner-video");
    state = document.getElementById("scanner-state");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      input.placeholder = script.dataset.noCamera;
      input.focus();
      return;
    }
    dialog.showModal();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      })
      .then(function () {
        var canvas = document.createElement("canvas");
        frame(canvas, canvas.getContext("2d", { willReadFrequently: true }));
      })
      .catch(function () {
        state.textContent = script.dataset.noCamera;
        stop();
        input.placeholder = script.dataset.noCamera;
        input.focus();
      });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-scan-for]");
    if (button) {
      e.preventDefault();
      start(document.getElementById(button.dataset.scanFor));
    } else if (e.target.id === "scanner-close") {
      stop();
      if (target) target.focus();
    }
  });
})();
