// Warns, on a page where a form is being filled in, a few minutes before the session would
// expire for lack of activity, and offers to stay signed in. Progressive enhancement: without
// this script, a form sent after expiry is still kept as a draft and given back after signing
// in again.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) {
    return;
  }
  var idle = Number(box.getAttribute("data-idle")) * 1000;
  var lead = Number(box.getAttribute("data-lead")) * 1000;
  var button = box.querySelector("button");
  var last = Date.now();
  var typing = false;
  var timer = 0;

  document.addEventListener("input", function (event) {
    var form = event.target && event.target.form;
    if (form && form.method === "post") {
      typing = true;
    }
  }, true);

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(delay, 0));
  }

  function check() {
    if (!typing) {
      schedule(30000);
      return;
    }
    box.hidden = false;
  }

  button.addEventListener("click", function () {
    fetch("/session/keepalive", { credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (response.status === 204) {
        last = Date.now();
        box.hidden = true;
        schedule(idle - lead);
      }
    });
  });

  schedule(idle - lead - (Date.now() - last));
})();
