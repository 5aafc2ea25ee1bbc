// Figures of a report show their source in a tooltip on hover and on keyboard focus (the title
// stays the fallback without JavaScript).
document.querySelectorAll("a.figure[title]").forEach(function (el) {
  if (window.bootstrap) { new bootstrap.Tooltip(el, { placement: "top" }); }
});
