// The application form and "my space" form (templates/forms/application_form.html,
// templates/portal/space_form.html): add and remove table rows in the browser, and ask
// before 提交申报.  No inline script (the Content-Security-Policy allows none).
//
// A new row copies the table's <template>, whose inputs are named "<table>-__index__-<column>";
// indices only grow (data-next-index), so a removed row leaves a gap, which the server accepts.
// On the space form the add / remove buttons are also submit buttons (name="table_action"):
// without JavaScript the server adds or removes the row and draws the form again; with it,
// the click is handled here and nothing is posted.
(function () {
  "use strict";

  function addRow(box) {
    var template = box.querySelector("template[data-zc-row-template]");
    if (!template) { return false; }
    var index = Number(box.getAttribute("data-next-index") || "0");
    box.setAttribute("data-next-index", String(index + 1));
    var html = template.innerHTML.replace(/__index__/g, String(index));
    var body = box.querySelector("tbody");
    var empty = body.querySelector("[data-zc-empty-row]");
    if (empty) { empty.remove(); }
    body.insertAdjacentHTML("beforeend", html);
    var first = body.lastElementChild && body.lastElementChild.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-zc-add-row]");
    if (add) {
      var box = document.getElementById(add.getAttribute("data-zc-add-row"));
      if (box && addRow(box)) { event.preventDefault(); }
      return;
    }
    var remove = event.target.closest("[data-zc-remove-row]");
    if (remove) {
      var row = remove.closest("tr");
      if (row) {
        event.preventDefault();
        row.remove();
      }
      return;
    }
    // 提交申报: the server insists on the tick box; where it is ticked, ask once more here.
    var ask = event.target.closest("[data-zc-confirm]");
    if (ask) {
      var tick = document.getElementById("confirm-submit");
      if (tick && !tick.checked) { return; }  // the server says what is missing, beside the box
      if (!window.confirm(ask.getAttribute("data-zc-confirm"))) { event.preventDefault(); }
    }
  });
})();
