// The archive page's sections as tabs: without this script every section shows, one below
// the other, and the bar's links jump to them; with it one section shows at a time, the one
// the address names (#contacts, #timeline…), so a link, a reload or the timeline's pages
// keep the reader where she was.
(function () {
  "use strict";
  const nav = document.getElementById("archive-nav");
  if (!nav) return;
  const links = Array.from(nav.querySelectorAll("a[href^='#']"));
  const sections = links
    .map(function (a) { return document.getElementById(a.hash.slice(1)); })
    .filter(Boolean);
  if (!sections.length) return;

  function show(id) {
    // An anchor inside a section (a form's id, say) opens the section that holds it.
    const target = id && document.getElementById(id);
    const holder = target && sections.find(function (s) { return s.contains(target); });
    const current = holder || sections[0];
    sections.forEach(function (s) { s.hidden = s !== current; });
    links.forEach(function (a) {
      const on = a.hash === "#" + current.id;
      a.classList.toggle("active", on);
      if (on) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
  }

  nav.addEventListener("click", function (event) {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    event.preventDefault();
    // replaceState: switching tabs is not a page of the browser's history.
    history.replaceState(null, "", link.hash);
    show(link.hash.slice(1));
  });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  show(location.hash.slice(1));
})();
