/* What the internal pages' templates would otherwise write inline. The Content-Security-Policy
   (binhyen/security.py) allows no inline script, handler or style attribute, so:
   - data-confirm on a form or a submit button asks before sending; "Cancel" sends nothing;
   - data-width="42" sets a bar's width in per cent (0 to 100);
   - data-indent="1.5" sets a left margin in rem;
   - a link with data-history-back goes back a page when the previous page is ours (error pages),
     and otherwise follows its href.
   Setting element.style from a script is not an inline style, so the policy allows it. */
(function () {
  "use strict";

  function refuse(event) {
    event.preventDefault();
    event.stopImmediatePropagation();  // before htmx or any other listener sends the form
  }

  // Capture phase: runs before listeners on the element itself.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) refuse(event);
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) refuse(event);
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-history-back]");
    if (!link || window.history.length < 2 || !document.referrer) return;
    if (new URL(document.referrer).origin !== window.location.origin) return;
    event.preventDefault();
    window.history.back();
  });

  function each(root, selector, apply) {
    if (root.matches && root.matches(selector)) apply(root);
    if (root.querySelectorAll) root.querySelectorAll(selector).forEach(apply);
  }

  function layout(root) {
    each(root, "[data-width]", function (el) {
      var value = parseFloat(el.dataset.width);
      if (!isNaN(value)) el.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
    each(root, "[data-indent]", function (el) {
      var value = parseFloat(el.dataset.indent);
      if (!isNaN(value)) el.style.marginLeft = value + "rem";
    });
  }

  layout(document);  // loaded at the end of <body>: the page is there
  document.addEventListener("htmx:load", function (event) { layout(event.detail.elt); });
})();
