/* The standard form shows only what the chosen item is priced by: the key fields it uses and,
   for the operating subsidy, the star multipliers. The server checks the same rules. */
(function () {
  "use strict";

  function update(form, keys) {
    var item = form.querySelector("[name=item]").value;
    var used = keys[item] || [];
    ["hukou_type", "support_form", "category"].forEach(function (name) {
      var box = form.querySelector("[data-field=" + name + "]");
      var on = !item || used.indexOf(name) !== -1;
      box.hidden = !on;
      if (!on) { box.querySelector("select").value = ""; }
    });
    form.querySelector("[data-for-item=operating]").hidden = item !== "operating";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-standard-form]");
    var source = document.getElementById("standard-item-keys");
    if (!form || !source) { return; }
    var keys = JSON.parse(source.textContent);
    form.querySelector("[name=item]").addEventListener("change", function () { update(form, keys); });
    update(form, keys);
  });
})();
