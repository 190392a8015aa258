// Small helps for the meeting forms; the pages work without them.
(function () {
  "use strict";
  // A usual agenda fills the type, the topic (if empty) and the agenda.
  document.querySelectorAll("#agenda-templates button[data-agenda]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = document.querySelector("form[enctype]");
      if (!form) return;
      var kind = form.querySelector("[name=kind]");
      if (kind && !kind.disabled) {
        var option = kind.querySelector('option[value="' + button.dataset.kind + '"]');
        if (option) kind.value = button.dataset.kind;
      }
      var topic = form.querySelector("[name=topic]");
      if (topic && !topic.value && button.dataset.topic) topic.value = button.dataset.topic;
      var agenda = form.querySelector("[name=agenda]");
      if (agenda) {
        agenda.value = button.dataset.agenda;
        // The agenda sits under 更多（选填）: show what was filled in.
        var more = agenda.closest("details");
        if (more) more.open = true;
      }
    });
  });
  // The photo button says which file was chosen.
  document.querySelectorAll(".photo-field").forEach(function (field) {
    var input = field.querySelector("input[type=file]");
    var chosen = field.querySelector(".photo-chosen");
    input.addEventListener("change", function () {
      chosen.textContent = input.files.length ? input.files[0].name : chosen.dataset.none;
    });
  });
  // The save bar counts who is marked present.
  var tally = document.querySelector("[data-present]");
  function count() {
    if (!tally) return;
    tally.textContent = document.querySelectorAll(
      '.attendance-row input[type=radio][value="present"]:checked'
    ).length;
  }
  document.querySelectorAll(".attendance-row input[type=radio]").forEach(function (radio) {
    radio.addEventListener("change", count);
  });
  count();
  // The reason box shows for those not present.
  document.querySelectorAll(".attendance-row").forEach(function (row) {
    var reason = row.querySelector(".reason");
    function update() {
      var checked = row.querySelector("input[type=radio]:checked");
      var present = !checked || checked.value === "present";
      var input = reason.querySelector("input");
      reason.hidden = present && !input.value && !input.classList.contains("is-invalid");
    }
    row.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        update();
        if (radio.value !== "present") reason.querySelector("input").focus();
      });
    });
    update();
  });
})();
