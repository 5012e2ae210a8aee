/* Before my review: character counts, answers kept while offline, voice recording.
   Every form works without this file. */
(function () {
  "use strict";

  /* Characters left beside long text boxes: shown only near the limit. */
  document.querySelectorAll("[data-count-for]").forEach(function (note) {
    var box = document.getElementById(note.dataset.countFor);
    var max = Number(box.getAttribute("maxlength"));
    var template = note.textContent;
    var near = Math.max(50, Math.round(max / 10));
    var update = function () {
      var left = Math.max(0, max - box.value.length);
      note.hidden = left > near;
      note.textContent = template.replace(/\d[\d,.\u066c\u00a0]*/, String(left));
    };
    box.addEventListener("input", update);
    update();
  });

  /* Offline: keep what the child typed in this browser, send it when back online. */
  var owner = document.body.dataset.owner || "none";
  document.querySelectorAll("[data-offline-form]").forEach(function (form) {
    if (owner === "none") { return; }
    var key = "mysay:" + owner + ":" + location.pathname;
    var fields = form.querySelectorAll("textarea, input[type=text], input[type=radio], input[type=checkbox]");
    var note = form.querySelector("[data-offline-note]");
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved) {
      fields.forEach(function (f) {
        if (!(f.name in saved)) { return; }
        if (f.type === "radio" || f.type === "checkbox") {
          f.checked = [].concat(saved[f.name]).indexOf(f.value) !== -1;
        } else if (!f.value) { f.value = saved[f.name]; }
      });
    }
    var keep = function () {
      var data = {};
      fields.forEach(function (f) {
        if (f.type === "radio" || f.type === "checkbox") {
          if (f.checked) { data[f.name] = (data[f.name] || []).concat(f.value); }
        } else { data[f.name] = f.value; }
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    };
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault();
        keep();
        if (note) { note.hidden = false; }
        var submitter = event.submitter;
        window.addEventListener("online", function () {
          if (submitter && submitter.name) {
            var hidden = document.createElement("input");
            hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
            form.appendChild(hidden);
          }
          form.submit();
        }, { once: true });
        return;
      }
      try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
    });
  });

  /* Voice notes: record in the browser, then send the recording as the form's file. */
  var recorder = document.querySelector("[data-recorder]");
  var form = document.querySelector("[data-recorder-form]");
  if (recorder && form && window.MediaRecorder && navigator.mediaDevices && window.DataTransfer) {
    var messages = document.querySelector("[data-recorder-messages]").dataset;
    var start = recorder.querySelector("[data-record-start]");
    var stop = recorder.querySelector("[data-record-stop]");
    var status = recorder.querySelector("[data-record-status]");
    var preview = recorder.querySelector("[data-record-preview]");
    var input = form.querySelector("input[type=file]");
    var media = null, chunks = [], timer = null;
    recorder.hidden = false;
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        media = new MediaRecorder(stream);
        media.ondataavailable = function (e) { if (e.data.size) { chunks.push(e.data); } };
        media.onstop = function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          var type = media.mimeType || "audio/webm";
          var blob = new Blob(chunks, { type: type });
          var ext = type.indexOf("mp4") !== -1 ? "m4a" : type.indexOf("ogg") !== -1 ? "ogg" : "webm";
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], "voice-note." + ext, { type: type }));
          input.files = transfer.files;
          preview.src = URL.createObjectURL(blob);
          preview.hidden = false;
          status.textContent = messages.ready;
          start.hidden = false; stop.hidden = true; start.focus();
        };
        media.start();
        timer = setTimeout(function () { if (media.state === "recording") { media.stop(); } }, 5 * 60 * 1000);
        status.textContent = messages.recording;
        start.hidden = true; stop.hidden = false; stop.focus();
      }).catch(function () { status.textContent = messages.denied; });
    });
    stop.addEventListener("click", function () {
      clearTimeout(timer);
      if (media && media.state === "recording") { media.stop(); }
    });
  }
}());
