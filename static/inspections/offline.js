// Offline round: the day's devices and checklists are cached in localStorage; each saved
// device goes into a queue there first and is posted when the network answers. A record
// leaves the queue only when the server confirms it (saved, or already saved under the same
// client id); a refusal stays on the phone as a conflict with the server's reason.
(function () {
  "use strict";
  var root = document.getElementById("offline-round");
  if (!root) { return; }
  var t = root.dataset;
  var roundKey = "insp-round-" + t.round;
  var queueKey = "insp-queue-" + t.round;
  var conflictKey = "insp-conflicts-" + t.round;
  var data = null;
  var syncing = false;

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function store(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function pending(id) {
    return load(queueKey, []).some(function (r) { return r.device === id; });
  }

  function render() {
    var list = document.getElementById("device-list");
    list.textContent = "";
    var done = 0;
    data.devices.forEach(function (d) {
      var li = el("li", { "class": "list-group-item px-1 d-flex justify-content-between gap-2" });
      var state = d.done ? t.tDone : (pending(d.id) ? t.tQueued : "");
      if (d.done || pending(d.id)) { done += 1; }
      var button = el("button", { type: "button", "class": "btn btn-link p-0 text-start", "data-device": d.id }, d.tag + " " + d.name);
      button.disabled = !!state;
      button.addEventListener("click", function () { openForm(d); });
      li.appendChild(button);
      li.appendChild(el("span", { "class": "small text-nowrap" + (state ? " badge text-bg-" + (d.done ? "success" : "warning") : "") }, state || d.room));
      list.appendChild(li);
    });
    document.getElementById("progress-count").textContent = done + " / " + data.devices.length + " " + t.tProgress;
    document.getElementById("queue-count").textContent = load(queueKey, []).length;
    var box = document.getElementById("conflicts");
    box.textContent = "";
    load(conflictKey, []).forEach(function (c) {
      var div = el("div", { "class": "alert alert-danger small py-1 mb-1" }, t.tConflict + ": " + c.tag + " — " + c.message + " ");
      if (c.url) { div.appendChild(el("a", { href: c.url }, c.url)); }
      box.appendChild(div);
    });
    document.getElementById("net-status").textContent = navigator.onLine ? t.tOnline : t.tOffline;
  }

  function openForm(device) {
    var box = document.getElementById("device-form");
    box.textContent = "";
    var form = el("form", { "class": "border rounded p-2", id: "offline-record" });
    form.appendChild(el("h2", { "class": "h6" }, device.tag + " " + device.name));
    var items = (data.checklists[device["class"]] || { items: [] }).items;
    items.forEach(function (item) {
      var fs = el("fieldset", { "class": "mb-2" });
      fs.appendChild(el("legend", { "class": "fs-6 mb-0" }, item.text));
      [["pass", t.tPass], ["fail", t.tFail], ["na", t.tNa]].forEach(function (choice, i) {
        var id = "r-" + item.id + "-" + choice[0];
        var wrap = el("span", { "class": "form-check form-check-inline" });
        var input = el("input", { type: "radio", "class": "form-check-input", name: "r-" + item.id, value: choice[0], id: id });
        if (i === 0) { input.checked = true; }
        wrap.appendChild(input);
        wrap.appendChild(el("label", { "class": "form-check-label", "for": id }, choice[1]));
        fs.appendChild(wrap);
      });
      fs.appendChild(el("input", { type: "text", "class": "form-control form-control-sm", name: "n-" + item.id, placeholder: t.tNote, "aria-label": t.tNote, maxlength: "500" }));
      form.appendChild(fs);
    });
    var save = el("button", { type: "submit", "class": "btn btn-primary w-100" }, t.tSave);
    form.appendChild(save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var results = [];
      var bad = false;
      items.forEach(function (item) {
        var value = form.querySelector("input[name='r-" + item.id + "']:checked").value;
        var note = form.querySelector("input[name='n-" + item.id + "']").value;
        if (value === "fail" && !note.trim()) { bad = true; }
        results.push({ item: item.id, result: value, note: note });
      });
      if (bad) { alert(t.tFailedNote); return; }
      var queue = load(queueKey, []);
      queue.push({ client_id: uuid(), device: device.id, tag: device.tag, results: results, inspected_at: new Date().toISOString() });
      store(queueKey, queue);
      box.textContent = "";
      render();
      sync();
    });
    box.appendChild(form);
    box.scrollIntoView();
  }

  function sync() {
    if (syncing || !navigator.onLine) { render(); return; }
    var queue = load(queueKey, []);
    if (!queue.length) { render(); return; }
    syncing = true;
    var record = queue[0];
    fetch(t.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": t.csrf || csrf() },
      body: JSON.stringify(record)
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      var rest = load(queueKey, []).filter(function (r) { return r.client_id !== record.client_id; });
      if (answer.body.status === "saved") {
        data.devices.forEach(function (d) { if (d.id === record.device) { d.done = true; } });
        store(roundKey, data);
      } else {
        var conflicts = load(conflictKey, []);
        conflicts.push({ tag: record.tag, message: answer.body.message || "", url: answer.body.url || "", record: record });
        store(conflictKey, conflicts);
      }
      store(queueKey, rest);
      syncing = false;
      sync();
    }).catch(function () {
      syncing = false;  // offline or server away: the record stays queued
      render();
    });
  }

  function start(fresh) {
    data = fresh || load(roundKey, null);
    if (!data) { return; }
    render();
    sync();
  }

  fetch(t.dataUrl, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (fresh) {
      var queued = load(queueKey, []).map(function (r) { return r.device; });
      fresh.devices.forEach(function (d) { if (queued.indexOf(d.id) >= 0) { d.done = false; } });
      store(roundKey, fresh);
      start(fresh);
    })
    .catch(function () { start(null); });

  // The scan page's USB-scanner and camera input (cmdb/scan.js) submits this form.
  var scanForm = document.getElementById("scan-form");
  scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var field = document.getElementById("tag");
    var tag = field.value.trim().toUpperCase();
    var message = document.getElementById("scan-message");
    message.textContent = "";
    var found = (data ? data.devices : []).filter(function (d) { return d.tag.toUpperCase() === tag; })[0];
    field.value = "";
    if (!found) { message.textContent = tag + ": " + t.tNotHere; return; }
    if (found.done || pending(found.id)) { message.textContent = tag + ": " + t.tDone; return; }
    openForm(found);
  });

  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  setInterval(sync, 5000);
  if ("serviceWorker" in navigator && t.swUrl) {
    navigator.serviceWorker.register(t.swUrl, { scope: "/inspections/" }).catch(function () {});
  }
})();
