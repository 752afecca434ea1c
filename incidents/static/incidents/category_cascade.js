// Fault form: the category is one grouped select, which is all it is without scripts.
// With them, it becomes linked selects, one a level (problem type → system type → fault
// type), drawn from the tree embedded next to it (no request per step). The grouped
// select stays in the form, hidden, and carries the chosen fault type's id, so the
// server sees the same field either way and a re-rendered form shows the same path.
(function () {
  "use strict";

  function enhance(box) {
    var select = box.querySelector("select");
    var source = document.getElementById(box.dataset.categoryCascade);
    if (!select || !source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var parents = {};
    var nodes = {};
    (function index(list, parent) {
      list.forEach(function (node) {
        nodes[node[0]] = node;
        parents[node[0]] = parent;
        index(node[2], node[0]);
      });
    })(data.nodes, null);

    var path = [];
    for (var id = Number(select.value) || null; id !== null && nodes[id]; id = parents[id]) {
      path.unshift(id);
    }
    var steps = document.createElement("div");
    steps.className = "row g-2";
    select.hidden = true;
    select.insertAdjacentElement("afterend", steps);
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.htmlFor = select.id + "-0";
    }

    function step(depth, list) {
      var column = document.createElement("div");
      column.className = "col-12 col-sm-4";
      var caption = document.createElement("label");
      caption.className = "form-text mt-0 mb-1 d-block";
      caption.textContent = data.levels[depth] || "";
      caption.htmlFor = select.id + "-" + depth;
      var picker = document.createElement("select");
      picker.id = select.id + "-" + depth;
      picker.className = select.className;
      picker.dataset.depth = String(depth);
      picker.add(new Option(depth === 0 ? data.empty : data.choose, ""));
      list.forEach(function (node) {
        picker.add(new Option(node[1], String(node[0]), false, node[0] === path[depth]));
      });
      column.appendChild(caption);
      column.appendChild(picker);
      steps.appendChild(column);
      return picker;
    }

    function draw() {
      steps.textContent = "";
      var list = data.nodes;
      for (var depth = 0; list.length; depth++) {
        step(depth, list);
        var chosen = nodes[path[depth]];
        list = chosen ? chosen[2] : [];
      }
    }

    steps.addEventListener("change", function (event) {
      var depth = Number(event.target.dataset.depth);
      path = path.slice(0, depth);
      if (event.target.value) {
        path.push(Number(event.target.value));
      }
      var last = nodes[path[path.length - 1]];
      select.value = last && !last[2].length ? String(last[0]) : "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
      draw();
      var next = document.getElementById(select.id + "-" + (depth + 1));
      (next || document.getElementById(select.id + "-" + depth)).focus();
    });
    draw();
  }

  document.querySelectorAll("[data-category-cascade]").forEach(enhance);
})();
