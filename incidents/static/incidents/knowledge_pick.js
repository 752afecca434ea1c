// Resolve form: the knowledge record field takes a record number (K01-…) as typed, which
// is all it does without scripts. With them, words typed into it fetch matching published
// records (incidents:knowledge_pick, the knowledge base's own search and visibility) and
// choosing one puts its number in the field.
(function () {
  "use strict";
  var NUMBER = /^[A-Za-z]\d{2}-\d+$|^\d+$/;

  function enhance(input) {
    var list = document.createElement("div");
    list.className = "list-group mt-1";
    list.id = input.id + "-choices";
    var chosen = document.createElement("div");
    chosen.className = "form-text text-success";
    chosen.setAttribute("aria-live", "polite");
    input.setAttribute("aria-controls", list.id);
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", chosen);
    var timer = null;
    var asked = "";

    function search() {
      var query = input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      chosen.textContent = "";
      if (query.length < 2 || NUMBER.test(query)) {
        list.innerHTML = "";
        return;
      }
      fetch(input.dataset.knowledgePick + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (input.value.trim() === query) {
            list.innerHTML = html;
          }
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 300);
    });
    list.addEventListener("click", function (event) {
      var choice = event.target.closest("[data-pick-number]");
      if (!choice) {
        return;
      }
      input.value = asked = choice.dataset.pickNumber;
      chosen.textContent = choice.dataset.pickNumber + " · " + choice.dataset.pickTitle;
      list.innerHTML = "";
      input.focus();
    });
  }

  document.querySelectorAll("input[data-knowledge-pick]").forEach(enhance);
})();
