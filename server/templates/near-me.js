// "Near me" on the search page: progressive enhancement only. Without JavaScript (or without
// the reader's permission) the city and country fields do the same job.
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  var status = document.getElementById("near-me-status");
  if (!button || !status || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-wait");
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        document.getElementById("lat").value = pos.coords.latitude.toFixed(4);
        document.getElementById("lon").value = pos.coords.longitude.toFixed(4);
        var radius = document.getElementById("radius_km");
        if (!radius.value) radius.value = "10";
        status.textContent = button.getAttribute("data-done");
        if (button.form) button.form.submit();
      },
      function () {
        status.textContent = button.getAttribute("data-error");
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
})();
