// Check-in and check-out (签到 / 签退): the phone's position goes into the hidden fields of
// each form marked data-geolocate, and the status line says what happened. Without this
// script the forms still post, empty, and the server records the location as unavailable.
(function () {
  "use strict";
  const forms = Array.from(document.querySelectorAll("form[data-geolocate]"));
  if (!forms.length) return;
  const status = document.getElementById("geo-status");
  const GIVE_UP_MS = 12000; // a permission prompt left unanswered never calls back
  let state = "pending";
  let waiting = [];

  function say(key, values) {
    let text = status.dataset[key] || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("{" + name + "}", values[name]);
    });
    status.textContent = text;
    status.dataset.state = key;
  }

  function fill(form, coords, result) {
    form.elements.namedItem("location_status").value = result;
    if (!coords) return;
    form.elements.namedItem("latitude").value = coords.latitude.toFixed(7);
    form.elements.namedItem("longitude").value = coords.longitude.toFixed(7);
    form.elements.namedItem("accuracy").value = Math.round(coords.accuracy);
  }

  function settle(result, coords) {
    if (state !== "pending") return; // a late answer after giving up changes nothing
    state = result;
    forms.forEach(function (form) { fill(form, coords, result); });
    if (coords) {
      say("ok", {
        lat: coords.latitude.toFixed(5),
        lon: coords.longitude.toFixed(5),
        acc: Math.round(coords.accuracy),
      });
    } else {
      say(result);
    }
    const queued = waiting;
    waiting = [];
    queued.forEach(function (form) { form.requestSubmit(); });
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (state === "pending") {
        // Tapped before the position came: send it as soon as it comes (or we give up).
        event.preventDefault();
        if (!waiting.includes(form)) waiting.push(form);
        say("waiting");
        window.setTimeout(function () { settle("unavailable", null); }, GIVE_UP_MS);
        return;
      }
      // One tap, one check-in: a second tap on a slow network would post again.
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });

  // Back from the next page, the browser may show this one from its cache, buttons disabled.
  window.addEventListener("pageshow", function () {
    forms.forEach(function (form) {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  if (!("geolocation" in navigator)) {
    settle("unavailable", null);
    return;
  }
  say("locating");
  navigator.geolocation.getCurrentPosition(
    function (position) { settle("ok", position.coords); },
    function (error) {
      settle(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable", null);
    },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
  );
})();
