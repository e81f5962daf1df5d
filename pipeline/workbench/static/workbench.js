// 巡察工作统计工作台: while a run is in progress, show its progress and reload when it ends.
// Served by the workbench itself; the page works without it (press F5).
"use strict";
(function () {
  if (!document.body || document.body.dataset.running !== "1") return;
  var line = document.getElementById("progress");
  function poll() {
    fetch("/run/status", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "running") {
          if (line) line.textContent = s.step + "（已用时 " + s.seconds + " 秒）";
          window.setTimeout(poll, 1000);
        } else {
          window.location.replace("/run");
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 500);
})();
