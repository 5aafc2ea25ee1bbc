/* Small helpers of the public portal (no framework, no inline script): copy the share link,
   print, the tip form's ward picker and the anonymous switch. */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy")); }
    });
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.getAttribute("data-copy"));
      var status = document.querySelector("[data-copy-status]");
      if (!input) { return; }
      copyText(input.value).then(function () {
        if (status) { status.textContent = "Đã sao chép liên kết."; }
      }, function () {
        input.focus();
        input.select();
        if (status) { status.textContent = "Hãy nhấn Ctrl+C để sao chép liên kết đã chọn."; }
      });
    });
  });

  document.querySelectorAll("[data-print-now]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // The province select reloads the ward list in place; without JS the button does it.
  document.querySelectorAll("select[data-ward-source]").forEach(function (select) {
    var target = document.querySelector(select.getAttribute("data-ward-target"));
    document.querySelectorAll("[data-hide-with-js]").forEach(function (b) { b.hidden = true; });
    var provinceFields = document.querySelectorAll("input[type=hidden][name=tinh]");
    select.addEventListener("change", function () {
      var url = select.getAttribute("data-ward-source") + "?tinh=" + encodeURIComponent(select.value);
      fetch(url, { headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          if (target) {
            var template = document.createElement("template");
            template.innerHTML = html;
            target.replaceChildren.apply(target, Array.prototype.slice.call(template.content.children));
          }
          provinceFields.forEach(function (f) { f.value = select.value; });
          var form = target && target.form;
          if (form) {
            form.action = form.action.replace(/tinh=[^&]*/, "tinh=" + encodeURIComponent(select.value));
          }
        });
    });
  });

  // "Gửi ẩn danh" hides the name and phone fields (they are not stored anyway).
  document.querySelectorAll("input[data-toggles]").forEach(function (box) {
    var block = document.querySelector(box.getAttribute("data-toggles"));
    function sync() { if (block) { block.hidden = box.checked; } }
    box.addEventListener("change", sync);
    sync();
  });

  // After a failed submit, take keyboard and screen-reader users to the list of problems.
  var errors = document.getElementById("form-errors");
  if (errors) { errors.focus(); }
})();
