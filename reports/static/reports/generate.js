// Generate form: suggest the last closed period of the chosen type's kind (month,
// quarter or year) until the user types a period of their own.
(function () {
  const data = document.getElementById("period-defaults");
  const type = document.getElementById("id_type");
  const period = document.getElementById("id_period");
  if (!data || !type || !period) return;
  const defaults = JSON.parse(data.textContent);
  let touched = false;
  period.addEventListener("input", function () { touched = true; });
  type.addEventListener("change", function () {
    if (!touched) period.value = defaults[type.value] || "";
  });
})();
