// Autosave for the interview questionnaire: each answer is posted on its own
// a moment after the contact stops typing. Without this script the Save
// button does the same; nothing here is needed to answer.
(function () {
  "use strict";
  // After a failed submission, take keyboard and screen-reader users to the list of problems.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var progress = document.getElementById("progress");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var timers = {};

  function say(text) { if (status) { status.textContent = text; } }

  function save(textarea) {
    var body = new FormData();
    body.append("question", textarea.getAttribute("data-question"));
    body.append("text", textarea.value);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "", "X-Requested-With": "fetch" }
    }).then(function (response) {
      // An answer from something other than our view (a proxy's error page) is no reason to say "offline".
      return response.json().catch(function () {
        return { ok: false, message: form.getAttribute("data-error-message") };
      }).then(function (data) {
        say(data.message || "");
        if (data.ok && progress && data.progress) { progress.textContent = data.progress; }
        // The Save button then leaves this answer alone unless it is changed again (see AnswersForm).
        var shown = form.querySelector('input[name="' + textarea.name + '_shown"]');
        if (data.ok && shown && data.shown) { shown.value = data.shown; }
      });
    }).catch(function () {
      say(form.getAttribute("data-offline-message") || "");
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-question]:not([readonly])"), function (textarea) {
    textarea.addEventListener("input", function () {
      var key = textarea.id;
      clearTimeout(timers[key]);
      timers[key] = setTimeout(function () { save(textarea); }, 1500);
    });
    textarea.addEventListener("blur", function () {
      var key = textarea.id;
      if (timers[key]) { clearTimeout(timers[key]); timers[key] = null; save(textarea); }
    });
  });
})();
