// Skip logic for screening forms: show a question only when its condition holds (the same grammar
// the server applies; see docs/screening.md). Without JavaScript every question shows, and the server
// ignores answers to questions that do not apply.
(function () {
  var form = document.getElementById("screening-form");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll(".screening-item"));

  function answer(id) {
    var row = form.querySelector('.screening-item[data-item="' + id + '"]');
    if (!row || row.hidden) return null;
    var type = row.getAttribute("data-type");
    var inputs = row.querySelectorAll("input, textarea, select");
    if (type === "select_multiple") {
      var chosen = [];
      inputs.forEach(function (i) { if (i.checked) chosen.push(i.value); });
      return chosen.length ? chosen : null;
    }
    if (type === "yes_no" || type === "select_one") {
      var picked = null;
      inputs.forEach(function (i) { if (i.checked) picked = i.value; });
      return picked;
    }
    var value = inputs.length ? inputs[0].value.trim() : "";
    if (value === "") return null;
    if (type === "integer" || type === "decimal") {
      var n = Number(value.replace(",", "."));
      return isNaN(n) ? null : n;
    }
    return value;
  }

  function holds(cond) {
    if (!cond) return true;
    if (cond.all) return cond.all.every(holds);
    if (cond.any) return cond.any.some(holds);
    if (cond.not) return !holds(cond.not);
    var v = answer(cond.item);
    if (v === null) return false;
    if ("equals" in cond) return v === cond.equals;
    if ("not_equals" in cond) return v !== cond.not_equals;
    if ("includes" in cond) return Array.isArray(v) && v.indexOf(cond.includes) >= 0;
    if (typeof v !== "number") return false;
    if ("gt" in cond) return v > cond.gt;
    if ("gte" in cond) return v >= cond.gte;
    if ("lt" in cond) return v < cond.lt;
    if ("lte" in cond) return v <= cond.lte;
    return true;
  }

  function sync() {
    rows.forEach(function (row) {  // in order, so a later question sees earlier ones' visibility
      var cond = JSON.parse(row.getAttribute("data-relevant") || "null");
      row.hidden = !holds(cond);
    });
  }
  form.addEventListener("change", sync);
  form.addEventListener("input", sync);
  sync();
  form.addEventListener("submit", function () {
    setTimeout(function () { document.getElementById("submit-screening").disabled = true; }, 0);
  });
})();
