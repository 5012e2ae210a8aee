/* My Say: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Leave quickly: end the session on the server (a beacon, which does not wait), then
     replace this page in history so Back does not return to it. */
  document.querySelectorAll("[data-quick-exit]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var sent = false;
      try { sent = navigator.sendBeacon(form.action, data); } catch (e) { sent = false; }
      if (!sent && window.fetch) {
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                             keepalive: true }).catch(function () { /* leaving anyway */ });
      }
      document.body.textContent = "";
      window.location.replace(form.dataset.to);
    });
  });

  /* Text kept while offline belongs to one person: forget it all at sign-out, and
     whenever a page is shown to nobody signed in (a shared phone, a timed-out session). */
  var forgetKeptText = function () {
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf("mysay:") === 0) { localStorage.removeItem(key); }
      });
    } catch (e) { /* storage switched off: nothing was kept */ }
  };
  if (document.body.hasAttribute("data-signed-out")) { forgetKeptText(); }
  document.querySelectorAll("[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", forgetKeptText);
  });

  /* Move focus to the error summary, so a screen reader announces it first. */
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }

  /* Idle warning: before the session times out, offer "Stay signed in". */
  var dialog = document.getElementById("idle-warning");
  if (dialog && typeof dialog.showModal === "function") {
    var deadline = Number(dialog.dataset.idleDeadline) * 1000;
    var warnBefore = Number(dialog.dataset.idleWarning) * 1000;
    var form = dialog.querySelector("form");
    var timer = null;
    var schedule = function () {
      clearTimeout(timer);
      var wait = Math.max(0, deadline - warnBefore - Date.now());
      timer = setTimeout(function () { if (!dialog.open) { dialog.showModal(); } }, wait);
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("keep-alive failed"); }
        return response.json();
      }).then(function (data) {
        deadline = Number(data.deadline) * 1000;
        document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
          input.value = data.csrf;
        });
        dialog.close();
        schedule();
      }).catch(function () { form.submit(); });
    });
    schedule();
  }

  /* Read aloud in the page's language, with Stop. Says so when no voice fits. */
  var reader = document.querySelector("[data-read-aloud]");
  if (reader && "speechSynthesis" in window) {
    var start = reader.querySelector("[data-read-start]");
    var stop = reader.querySelector("[data-read-stop]");
    var none = reader.querySelector("[data-read-none]");
    var lang = document.documentElement.lang;
    var voiceFor = function () {
      var base = lang.split("-")[0].toLowerCase();
      var voices = window.speechSynthesis.getVoices();
      return voices.find(function (v) { return v.lang.toLowerCase() === lang.toLowerCase(); }) ||
        voices.find(function (v) { return v.lang.toLowerCase().split(/[-_]/)[0] === base; });
    };
    reader.hidden = false;
    var done = function () { start.hidden = false; stop.hidden = true; };
    start.addEventListener("click", function () {
      var voice = voiceFor();
      if (!voice) { none.hidden = false; return; }
      var main = document.getElementById("main").cloneNode(true);
      main.querySelectorAll("[data-read-aloud], script, .visually-hidden").forEach(function (el) { el.remove(); });
      var utterance = new SpeechSynthesisUtterance(main.innerText || main.textContent);
      utterance.lang = lang;
      utterance.voice = voice;
      utterance.onend = done;
      utterance.onerror = done;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
      start.hidden = true; stop.hidden = false; stop.focus();
    });
    stop.addEventListener("click", function () { window.speechSynthesis.cancel(); done(); start.focus(); });
  }
}());
