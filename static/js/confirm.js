// Consequential actions ask first and say what follows. A submit button (or its form) that
// carries data-confirm="…" submits only when the person agrees; dismissing the question
// leaves the page as it was and sends nothing. Buttons on pages that cannot carry the
// attribute get it from <template id="confirm-texts">: each entry names the buttons it is for
// (data-for, a CSS selector) and holds the text.
(function () {
  "use strict";

  function adoptRegistry() {
    const registry = document.getElementById("confirm-texts");
    if (!registry) return;
    registry.content.querySelectorAll("[data-for]").forEach(function (entry) {
      document.querySelectorAll(entry.dataset.for).forEach(function (button) {
        if (!button.dataset.confirm) button.dataset.confirm = entry.textContent.trim();
      });
    });
  }

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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", adoptRegistry);
  } else {
    adoptRegistry();
  }
})();
