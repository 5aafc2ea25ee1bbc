/* Phóng to / Thu nhỏ: the reader's text size, kept in localStorage across pages. Loaded in
   <head> so the saved size applies before the first paint; the buttons are wired once the
   page is parsed. No inline script anywhere (Content-Security-Policy). */
(function () {
  "use strict";
  var KEY = "binhyen.portal.textScale";
  var STEPS = [87.5, 100, 112.5, 125, 150, 175, 200];
  var root = document.documentElement;

  function read() {
    try {
      var v = parseFloat(window.localStorage.getItem(KEY));
      return STEPS.indexOf(v) >= 0 ? v : 100;
    } catch (e) { return 100; }
  }
  function apply(v) {
    root.style.fontSize = v === 100 ? "" : v + "%";
    root.setAttribute("data-text-scale", String(v));
  }
  function save(v) {
    try { window.localStorage.setItem(KEY, String(v)); } catch (e) { /* private mode */ }
  }
  apply(read());

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("zoom-status");
    var buttons = document.querySelectorAll("[data-zoom]");
    function refresh(v) {
      buttons.forEach(function (b) {
        var d = b.getAttribute("data-zoom");
        b.disabled = (d === "in" && v === STEPS[STEPS.length - 1]) || (d === "out" && v === STEPS[0]);
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var v = read();
        var i = STEPS.indexOf(v);
        var d = button.getAttribute("data-zoom");
        if (d === "in") { v = STEPS[Math.min(i + 1, STEPS.length - 1)]; }
        else if (d === "out") { v = STEPS[Math.max(i - 1, 0)]; }
        else { v = 100; }
        apply(v);
        save(v);
        refresh(v);
        if (status) { status.textContent = "Cỡ chữ " + v + "%"; }
      });
    });
    refresh(read());
  });
})();
