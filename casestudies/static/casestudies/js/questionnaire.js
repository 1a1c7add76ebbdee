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

  // Every save names this tab and carries a number that grows with each
  // save, so the server keeps the newest text of an answer even when the
  // network delivers an older save after a newer one.
  var tab = "t" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  var seq = 0;
  function revision() { seq += 1; return { revision_tab: tab, revision_seq: String(seq) }; }

  function say(text) { if (status) { status.textContent = text; } }

  function save(textarea) {
    var body = new FormData();
    var rev = revision();
    body.append("question", textarea.getAttribute("data-question"));
    body.append("text", textarea.value);
    body.append("revision_tab", rev.revision_tab);
    body.append("revision_seq", rev.revision_seq);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) {
        say(data.message || "");
        if (data.ok && progress && data.progress) { progress.textContent = data.progress; }
      });
    }).catch(function () {
      say(form.getAttribute("data-offline-message") || "");
    });
  }

  // The Save and Submit buttons are newer than any autosave still under way.
  form.addEventListener("submit", function () {
    var rev = revision();
    Object.keys(rev).forEach(function (name) {
      var input = form.querySelector("input[name=" + name + "]");
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        form.appendChild(input);
      }
      input.value = rev[name];
    });
  });

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
