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
    // The levels are one fieldset named by the field's label (WCAG 1.3.1), each select
    // labelled by its level. Changing a level redraws only the levels after it and leaves
    // focus where it is, so arrow keys browse a level's options (WCAG 3.2.2).
    var group = document.createElement("fieldset");
    group.className = "border-0 p-0 m-0";
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) {
      group.setAttribute("aria-describedby", describedBy);
    }
    var legend = document.createElement("legend");
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      legend.className = label.className + " fs-6";
      legend.innerHTML = label.innerHTML;
      label.hidden = true;
    } else {
      legend.className = "visually-hidden";
      legend.textContent = data.levels.join(" / ");
    }
    var steps = document.createElement("div");
    steps.className = "row g-2";
    group.appendChild(legend);
    group.appendChild(steps);
    select.hidden = true;
    select.insertAdjacentElement("afterend", group);

    function step(depth, list) {
      var column = document.createElement("div");
      column.className = "col-12 col-sm-4";
      column.dataset.depth = String(depth);
      var caption = document.createElement("label");
      caption.className = "form-text mt-0 mb-1 d-block";
      caption.textContent = data.levels[depth] || "";
      caption.htmlFor = select.id + "-" + depth;
      var picker = document.createElement("select");
      picker.id = select.id + "-" + depth;
      picker.className = select.className;
      picker.dataset.depth = String(depth);
      if (select.getAttribute("aria-invalid")) {
        picker.setAttribute("aria-invalid", "true");
      }
      picker.add(new Option(depth === 0 ? data.empty : data.choose, ""));
      list.forEach(function (node) {
        picker.add(new Option(node[1], String(node[0]), false, node[0] === path[depth]));
      });
      column.appendChild(caption);
      column.appendChild(picker);
      steps.appendChild(column);
      return picker;
    }

    // Draws the levels from `from` on; the ones before stay as they are (and keep focus).
    function draw(from) {
      Array.prototype.slice.call(steps.children).forEach(function (column) {
        if (Number(column.dataset.depth) >= from) {
          steps.removeChild(column);
        }
      });
      var list = data.nodes;
      for (var depth = 0; list.length; depth++) {
        if (depth >= from) {
          step(depth, list);
        }
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
      draw(depth + 1);
    });
    draw(0);
  }

  document.querySelectorAll("[data-category-cascade]").forEach(enhance);
})();
