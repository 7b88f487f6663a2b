// Error pages: "Back to the previous page" appears only when there is one to go back to.
(function () {
  "use strict";
  document.querySelectorAll("[data-history-back]").forEach(function (button) {
    if (window.history.length < 2) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      window.history.back();
    });
  });
})();
