// Check-in: scan the packet's QR code with the camera where the browser offers the
// BarcodeDetector API; otherwise the typed code works alone. The code is submitted in the
// form body (POST), never put in a URL. No inline script: CSP allows only our own files.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  var button = document.getElementById("scan");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var input = document.getElementById("code");
  if (!form || !button || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  var stream = null;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.hidden = true;
  }

  function say(key) {
    status.textContent = status.dataset[key] || "";
    status.hidden = false;
  }

  button.addEventListener("click", function () {
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      say("failed");
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        say("scanning");
        return video.play();
      })
      .then(function () {
        function look() {
          if (!stream) {
            return;
          }
          detector
            .detect(video)
            .then(function (codes) {
              if (codes.length > 0 && codes[0].rawValue) {
                input.value = codes[0].rawValue;
                stop();
                form.submit();
              } else {
                window.setTimeout(look, 250);
              }
            })
            .catch(function () { window.setTimeout(look, 500); });
        }
        look();
      })
      .catch(function () {
        stop();
        say("failed");
      });
  });
  window.addEventListener("pagehide", stop);
})();
