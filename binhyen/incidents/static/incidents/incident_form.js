/* The incident form: the stoppage case file is shown only when the kind is a collective work
   stoppage (the server ignores it for any other kind). Without this script the fieldset
   stays visible, with its note saying when to fill it. */
(function () {
  "use strict";
  var form = document.getElementById("incident-form");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");
  var fields = document.getElementById("stoppage-fields");
  if (!kind || !fields) return;
  function sync() {
    fields.hidden = kind.value !== form.dataset.stoppageKind;
  }
  kind.addEventListener("change", sync);
  sync();
})();
