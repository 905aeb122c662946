// A disclosure marked data-open-on-wide (the programme's filters) is folded as the page
// arrives, which suits a phone; on a wider screen it opens at once. The visitor may still
// fold or open it, and without this script it stays folded and opens with one click.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 36em)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-on-wide]").forEach(function (details) {
    details.open = true;
  });
})();
