// The calendar subscription page: a "Copy" button beside the private address. Without
// JavaScript (or a clipboard) the button stays hidden and the hint says how to copy by hand.
(function () {
  "use strict";
  const button = document.getElementById("copy-feed-url");
  if (!button || !navigator.clipboard) return;
  const input = document.querySelector(button.dataset.copy);
  const label = button.textContent;
  button.classList.remove("d-none");
  const hint = document.getElementById("copy-hint");
  if (hint) hint.classList.add("d-none");
  input.addEventListener("focus", () => input.select());
  button.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 2000);
    } catch (err) {
      // Denied (an insecure origin, a browser setting): the address is selected for Ctrl+C.
    }
  });
})();
