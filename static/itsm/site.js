// Behaviour shared by every page. No inline scripts: the Content-Security-Policy allows
// scripts from this site's files only.
(function () {
  "use strict";
  // <button data-confirm="…"> asks before its form is submitted.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
