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

  // The skip link focuses the main content without putting #main in the address: a form
  // posted from there would come back with it, and the browser would focus <main> over
  // the error summary.
  document.addEventListener("click", function (event) {
    var skip = event.target.closest("a.skip-link");
    var main = skip && document.getElementById("main");
    if (main) {
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    }
  });

  // After a failed submit, focus lands on the error summary rather than the page top, so
  // keyboard and screen-reader users hear what went wrong and can jump to each field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A field a script replaced (the category levels) is hidden: its link goes to the
    // first control that stands in for it.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field && field.hidden) {
        var standIn = field.parentElement.querySelector("select:not([hidden]), input:not([hidden])");
        if (standIn) {
          event.preventDefault();
          standIn.focus();
        }
      }
    });
  }

  // A table wider than the screen scrolls sideways inside .table-responsive; a keyboard
  // user can scroll it only if it can take focus (WCAG 2.1.1). Named after its caption or
  // the heading before it so the stop is announced as something.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.hasAttribute("tabindex")) {
        return;
      }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      var heading = caption;
      for (var el = box; !heading && el && el !== document.body; el = el.parentElement) {
        for (var prev = el.previousElementSibling; prev && !heading; prev = prev.previousElementSibling) {
          heading = prev.matches("h1,h2,h3,h4,h5,h6") ? prev : prev.querySelector("h1,h2,h3,h4,h5,h6");
        }
      }
      if (heading && heading.textContent.trim()) {
        box.setAttribute("aria-label", heading.textContent.trim());
      } else {
        box.removeAttribute("role");
      }
    });
  }
  focusableScrollers(document);
  document.addEventListener("htmx:afterSwap", function (event) {
    focusableScrollers(event.target);
  });
})();
