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

  /* Read aloud in the page's language, with Stop: the device's voice when it has one,
     else audio the server makes for the text it signed (data-say-token), else an honest
     "no voice". textOf must take the same words as portal/speech/pagetext.py. */
  var page = document.getElementById("main");
  var lang = document.documentElement.lang;
  var SKIP = "script, style, template, noscript, [hidden], .visually-hidden, [data-read-aloud], [data-say]";
  var TYPED = "bdi, textarea, [dir=auto], .written";
  var BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|BR|CAPTION|DD|DETAILS|DIALOG|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LABEL|LEGEND|LI|MAIN|NAV|OL|OPTION|P|PRE|SECTION|SUMMARY|TABLE|TD|TH|TR|UL)$/;
  var textOf = function (root, fixedOnly) {
    var parts = [];
    var walk = function (node) {
      Array.prototype.forEach.call(node.childNodes, function (child) {
        if (child.nodeType === 3) { parts.push(child.data); return; }
        if (child.nodeType !== 1 || child.matches(SKIP) || (fixedOnly && child.matches(TYPED))) { return; }
        var block = BLOCK.test(child.tagName);
        if (block) { parts.push(" "); }
        walk(child);
        if (block) { parts.push(" "); }
      });
    };
    walk(root);
    return parts.join("").replace(/[ \t\n\f\r\u00a0]+/g, " ").trim();
  };
  var deviceVoice = function () {
    if (!("speechSynthesis" in window)) { return null; }
    var base = lang.split("-")[0].toLowerCase();
    var voices = window.speechSynthesis.getVoices();
    return voices.find(function (v) { return v.lang.toLowerCase() === lang.toLowerCase(); }) ||
      voices.find(function (v) { return v.lang.toLowerCase().split(/[-_]/)[0] === base; }) || null;
  };
  var player = null;
  var finish = null;  // what to call when the current reading ends or is stopped
  var stopReading = function () {
    if ("speechSynthesis" in window) { window.speechSynthesis.cancel(); }
    if (player) { player.pause(); player.removeAttribute("src"); }
    if (finish) { var ended = finish; finish = null; ended(); }
  };
  /* Reads words ({device, server, token}) aloud; done() when it ends, fail(message) if it cannot. */
  var readAloud = function (words, done, fail) {
    stopReading();
    finish = done;
    var voice = deviceVoice();
    if (voice) {
      var utterance = new SpeechSynthesisUtterance(words.device);
      utterance.lang = lang;
      utterance.voice = voice;
      var mine = finish;
      // cancel() ends the last utterance a moment later: that must not stop this one.
      utterance.onend = utterance.onerror = function () { if (finish === mine) { stopReading(); } };
      window.speechSynthesis.speak(utterance);
      return;
    }
    if (!words.token || !words.server || !window.fetch) { finish = null; fail(null); return; }
    var asked = finish;
    var play = function () {
      if (finish !== asked) { return; }  // stopped, or another reading began, meanwhile
      if (!player) {
        player = document.createElement("audio");
        player.hidden = true;
        player.setAttribute("data-say-audio", "");
        player.addEventListener("ended", stopReading);
        document.body.appendChild(player);
      }
      player.src = words.src;
      return player.play();
    };
    var failed = function (error) {
      if (finish !== asked) { return; }
      finish = null;
      fail(error && error.message);
    };
    if (words.src) { Promise.resolve().then(play).catch(failed); return; }
    var body = new FormData();
    var csrf = document.querySelector("input[name=csrf_token]");
    body.append("csrf_token", csrf ? csrf.value : "");
    body.append("token", words.token);
    body.append("text", words.server);
    fetch(page.dataset.sayUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && /^audio\//.test(response.headers.get("Content-Type"))) { return response.blob(); }
        return response.json().catch(function () { return {}; }).then(function (data) {
          throw new Error(data.error || "");
        });
      }).then(function (audio) {
        words.src = URL.createObjectURL(audio);  // kept: pressed again, it plays at once
        return play();
      }).catch(failed);
  };

  var reader = document.querySelector("[data-read-aloud]");
  if (reader && page) {
    var start = reader.querySelector("[data-read-start]");
    var stop = reader.querySelector("[data-read-stop]");
    var none = reader.querySelector("[data-read-none]");
    var noVoice = none.textContent;
    var pageWords = { device: textOf(page, false), server: textOf(page, page.hasAttribute("data-say-fixed")),
                      token: reader.dataset.sayToken };
    reader.hidden = false;
    var done = function () { start.hidden = false; stop.hidden = true; };
    start.addEventListener("click", function () {
      none.hidden = true;
      start.hidden = true; stop.hidden = false; stop.focus();
      readAloud(pageWords, done, function (message) {
        done(); start.focus();
        none.textContent = message || noVoice;
        none.hidden = false;
      });
    });
    stop.addEventListener("click", function () { stopReading(); start.focus(); });
  }

  /* One element's read-aloud button (templates/macros/say.html): press to read, again to stop. */
  document.querySelectorAll("button[data-say]").forEach(function (button) {
    var target = document.getElementById(button.dataset.say);
    if (!target || !page) { return; }
    var words = { device: textOf(target, false), server: textOf(target, page.hasAttribute("data-say-fixed")),
                  token: button.dataset.sayToken };
    var note = null;
    button.setAttribute("aria-pressed", "false");
    button.hidden = false;
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { stopReading(); return; }
      if (note) { note.remove(); note = null; }
      button.setAttribute("aria-pressed", "true");
      readAloud(words, function () { button.setAttribute("aria-pressed", "false"); }, function (message) {
        button.setAttribute("aria-pressed", "false");
        note = document.createElement("span");
        note.className = "say-none";
        note.setAttribute("role", "status");
        note.textContent = message || button.dataset.sayNone;
        button.insertAdjacentElement("afterend", note);
      });
    });
  });
}());
