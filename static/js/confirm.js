// Consequential actions ask first and say what follows. A submit button (or its form) that
// carries data-confirm="…" submits only when the person agrees; dismissing the question
// leaves the page as it was and sends nothing.
(function () {
  "use strict";

  // Capture phase: asked before any other script acts on the submission.
  document.addEventListener(
    "submit",
    function (event) {
      const button = event.submitter;
      const text = (button && button.dataset.confirm) || event.target.dataset.confirm;
      if (!text) return;
      if (!window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
