// Scan page: a USB scanner types the tag and Enter into the focused field (plain form
// submit, no script needed). Where the browser has BarcodeDetector (Chrome on Android),
// the camera reads Code128 labels too; elsewhere the camera button stays hidden.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var field = document.getElementById("tag");
  var box = document.getElementById("camera");
  var messages = box.dataset;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  box.hidden = false;
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  document.getElementById("camera-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["code_128", "qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        status.textContent = messages.starting;
        return video.play().then(function () {
          var timer = setInterval(function () {
            detector.detect(video).then(function (codes) {
              if (!codes.length) {
                return;
              }
              clearInterval(timer);
              stream.getTracks().forEach(function (track) { track.stop(); });
              field.value = codes[0].rawValue;
              // requestSubmit fires the submit event, so a page may handle the tag itself.
              if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
            }).catch(function () {});
          }, 250);
        });
      })
      .catch(function () {
        status.textContent = messages.failed;
        field.focus();
      });
  });
})();
