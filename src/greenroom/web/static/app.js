// Greenroom: upload with a progress bar; everything else works without JavaScript.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function text(el, value) { el.textContent = value; }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var bar = document.getElementById("upload-progress");
      var out = document.getElementById("upload-result");
      var xhr = new XMLHttpRequest();
      bar.hidden = false;
      bar.value = 0;
      text(out, "uploading…");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.upload.addEventListener("load", function () { bar.removeAttribute("value"); text(out, "uploaded; loading…"); });
      xhr.addEventListener("load", function () {
        var body;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = { detail: xhr.statusText }; }
        bar.value = 100;
        if (xhr.status >= 200 && xhr.status < 300) {
          var lines = [body.summary].concat((body.messages || []).filter(function (m) { return m !== body.summary; }));
          text(out, lines.join("\n"));
          out.className = body.refused ? "error" : "notice";
          if (body.quarantined) {
            var link = document.createElement("a");
            link.href = "/staff/ingest/quarantine?load=" + body.load_id;
            link.textContent = " See the quarantined rows";
            out.appendChild(link);
          }
        } else {
          text(out, "refused: " + (body.detail || xhr.status));
          out.className = "error";
        }
      });
      xhr.addEventListener("error", function () { text(out, "the upload failed (network)"); out.className = "error"; });
      xhr.open("POST", form.getAttribute("data-api"));
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.send(new FormData(form));
    });
  });
}());
