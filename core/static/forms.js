// Add and remove rows of the tables of an application form (templates/forms/application_form.html).
// A new row copies the table's <template>, whose inputs are named "<table>-__index__-<column>";
// indices only grow, so a removed row leaves a gap, which the server accepts.
(function () {
  "use strict";

  function addRow(box) {
    var template = box.querySelector("template[data-zc-row-template]");
    var index = Number(box.getAttribute("data-next-index") || "0");
    box.setAttribute("data-next-index", String(index + 1));
    var html = template.innerHTML.replace(/__index__/g, String(index));
    var body = box.querySelector("tbody");
    body.insertAdjacentHTML("beforeend", html);
    var first = body.lastElementChild && body.lastElementChild.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-zc-add-row]");
    if (add) {
      var box = document.getElementById(add.getAttribute("data-zc-add-row"));
      if (box) { addRow(box); }
      return;
    }
    var remove = event.target.closest("[data-zc-remove-row]");
    if (remove) {
      var row = remove.closest("tr");
      if (row) { row.remove(); }
    }
  });
})();
