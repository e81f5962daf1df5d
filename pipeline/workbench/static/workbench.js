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

// The 统计 and 汇总 forms: the period box shows the example of the kind chosen, and the
// 截至日期 box appears for a term. Without the script both boxes are there and the help says all.
(function () {
  var selects = document.querySelectorAll("select.period-kind");
  Array.prototype.forEach.call(selects, function (select) {
    var form = select.form;
    var period = form && form.querySelector("input[name=period]");
    var asOf = form && form.querySelector(".as-of");
    function update() {
      var hint = form && form.querySelector('.period-hints li[data-kind="' + select.value + '"]');
      if (period && hint) period.placeholder = hint.textContent;
      if (asOf) asOf.hidden = select.value !== "term";
    }
    select.addEventListener("change", update);
    update();
  });
})();
