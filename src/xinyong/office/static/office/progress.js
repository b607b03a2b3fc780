/* Live progress of one submission: polls its status every second and updates the bar and
   the counts; once the submission has finished, reloads the page so the server renders the
   rejected rows and the error file link. No dependencies. */
(function () {
  "use strict";
  var root = document.querySelector("[data-status-url]");
  if (!root) {
    return;
  }
  var FINISHED = ["done", "failed"];
  if (FINISHED.indexOf(root.getAttribute("data-status")) >= 0) {
    return;
  }
  var url = root.getAttribute("data-status-url");
  var bar = root.querySelector("[data-progress-bar]");
  var meter = root.querySelector("[role=progressbar]");
  var percentText = root.querySelector("[data-progress-text]");
  var statusText = root.querySelector("[data-status-label]");

  function show(status) {
    var percent = Math.round((status.progress || 0) * 100);
    bar.style.width = percent + "%";
    meter.setAttribute("aria-valuenow", String(percent));
    percentText.textContent = percent + "%";
    statusText.textContent = status.status_label;
    root.querySelectorAll("[data-count]").forEach(function (cell) {
      var value = status[cell.getAttribute("data-count")];
      cell.textContent = value === null || value === undefined ? "—" : String(value);
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (FINISHED.indexOf(status.status) >= 0) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
