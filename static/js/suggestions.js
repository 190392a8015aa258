// Small help for the suggestion form; the page works without it.
(function () {
  "use strict";
  // An anonymous suggestion keeps no name: the name box hides while the box is ticked.
  var anonymous = document.querySelector("input[name=anonymous]");
  var name = document.querySelector("#div_id_raised_by");
  if (!anonymous || !name) return;
  function update() {
    name.hidden = anonymous.checked;
  }
  anonymous.addEventListener("change", update);
  update();
})();
