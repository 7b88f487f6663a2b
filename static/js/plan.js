// The monthly plan form: add lines without a round trip, Enter for the next line, contacts
// that follow the account, and the requirement counts beside the form kept live (the verdicts
// themselves come from the server: visits.selectors.plans.AccountNeed).
(function () {
  "use strict";
  const form = document.getElementById("plan-form");
  if (!form) return;
  const rows = document.getElementById("plan-rows");
  const template = document.getElementById("empty-row");
  const total = form.querySelector("input[name$='-TOTAL_FORMS']");
  const contacts = JSON.parse(document.getElementById("plan-contacts").textContent);
  const verdicts = JSON.parse(document.getElementById("plan-verdicts").textContent);
  const monthStart = template.content.querySelector("[data-role=date]").min;

  function liveRows() {
    return Array.from(rows.querySelectorAll("tr.plan-row"));
  }

  function field(row, role) {
    return row.querySelector("[data-role=" + role + "]");
  }

  function number() {
    liveRows().forEach(function (row, i) {
      row.querySelector(".row-no").textContent = i + 1;
    });
  }

  function fillContacts(row) {
    const select = field(row, "contact");
    const keep = select.value;
    const options = contacts[field(row, "account").value] || [];
    select.replaceChildren(new Option("—", ""));
    options.forEach(function (pair) {
      select.add(new Option(pair[1], pair[0], false, String(pair[0]) === keep));
    });
  }

  function addRow(accountId) {
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    const row = rows.lastElementChild;
    const previous = row.previousElementSibling;
    const date = field(row, "date");
    date.value = previous ? field(previous, "date").value || monthStart : monthStart;
    if (accountId) {
      field(row, "account").value = String(accountId);
      fillContacts(row);
    }
    number();
    recount();
    (accountId ? date : field(row, "account")).focus();
    return row;
  }

  // Counts per account, as the form stands now (rows marked for removal do not count).
  function recount() {
    const planned = {};
    liveRows().forEach(function (row) {
      const removed = field(row, "delete").checked;
      row.classList.toggle("row-removed", removed);
      const account = field(row, "account").value;
      if (account && !removed) planned[account] = (planned[account] || 0) + 1;
    });
    // Whether a count falls short, fits or overshoots is decided on the server: each account
    // carries its verdict for 0, 1, 2, … lines (data-verdicts, the last holds beyond), and
    // #plan-verdicts says how each verdict looks. Here the counts change, nothing else.
    let gaps = 0;
    const states = {};
    document.querySelectorAll("[data-need]").forEach(function (item) {
      const n = planned[item.dataset.need] || 0;
      const scale = item.dataset.verdicts.split(" ");
      const verdict = verdicts[scale[Math.min(n, scale.length - 1)]];
      const count = item.querySelector(".need-planned");
      count.textContent = n;
      count.className = "need-planned fw-semibold text-" + verdict.tone;
      item.querySelector(".need-mark").textContent = verdict.mark;
      const text = verdict.mark + " " + n + " / " + item.dataset.required;
      states[item.dataset.need] = { text: text, tone: "text-" + verdict.tone };
      if (verdict.gap) gaps += 1;
    });
    // Beside each line's account, the same count: how this account stands with the rules.
    liveRows().forEach(function (row) {
      const hint = row.querySelector(".need-hint");
      const state = states[field(row, "account").value];
      hint.textContent = state ? state.text : "";
      hint.className = "need-hint " + (state ? state.tone : "");
    });
    const alert = document.getElementById("gap-alert");
    if (alert) {
      document.getElementById("gap-count").textContent = gaps;
      alert.classList.toggle("d-none", gaps === 0);
    }
  }

  rows.addEventListener("change", function (event) {
    const row = event.target.closest("tr.plan-row");
    if (event.target.dataset.role === "account") fillContacts(row);
    recount();
  });

  // Enter moves to the next line, or opens one at the end, instead of submitting the form.
  rows.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.target.tagName === "TEXTAREA") return;
    event.preventDefault();
    const row = event.target.closest("tr.plan-row");
    const next = row.nextElementSibling;
    if (next) field(next, "account").focus();
    else addRow();
  });

  document.getElementById("add-row").addEventListener("click", function () {
    addRow();
  });
  document.querySelectorAll("[data-add-account]").forEach(function (button) {
    button.addEventListener("click", function () {
      addRow(button.dataset.addAccount);
    });
  });

  number();
  recount();
  if (liveRows().length === 0) addRow();
})();
