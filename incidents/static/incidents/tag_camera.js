// Fault forms: the asset tag is typed, or a USB scanner types it (no script needed).
// Where the browser has BarcodeDetector (Chrome on Android) and a camera, a button under
// the field reads the label's Code128 (or QR) code into it; elsewhere nothing shows.
(function () {
  "use strict";
  var box = document.getElementById("tag-camera");
  var field = box && document.getElementById(box.dataset.field);
  if (!field || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  // Sit right under the asset tag field, whichever form layout rendered it.
  var group = field.closest(".mb-3") || field.parentNode;
  group.appendChild(box);
  box.hidden = false;
  var button = box.querySelector("[data-camera-start]");
  var video = box.querySelector("video");
  var status = box.querySelector("[role=status]");
  var stream = null;
  var timer = null;

  function stop() {
    clearInterval(timer);
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.hidden = true;
    button.disabled = false;
  }

  button.addEventListener("click", function () {
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["code_128", "qr_code"] });
    } catch (error) {
      status.textContent = box.dataset.failed;
      field.focus();
      return;
    }
    button.disabled = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        status.textContent = box.dataset.starting;
        return video.play().then(function () {
          timer = setInterval(function () {
            detector.detect(video).then(function (codes) {
              if (!codes.length) {
                return;
              }
              stop();
              field.value = codes[0].rawValue.trim();
              field.dispatchEvent(new Event("change", { bubbles: true }));
              // "已从标签读取：PR-002", "Read from the label: PR-002"
              var read = box.dataset.read;
              status.textContent = read + (/[\uff1a\u3000-\u303f]$/.test(read) ? "" : " ") + field.value;
              field.focus();
            }).catch(function () {});
          }, 250);
        });
      })
      .catch(function () {
        stop();
        status.textContent = box.dataset.failed;
        field.focus();
      });
  });
  window.addEventListener("pagehide", stop);
})();
