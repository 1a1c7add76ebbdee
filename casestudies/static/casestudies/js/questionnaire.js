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

// Previews of the photos picked for upload, before they are sent. Formats the
// browser cannot show (HEIC on most desktops) are listed by name; the server
// makes their preview after the upload.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][name=files]");
  var preview = document.getElementById("photo-preview");
  if (!input || !preview || !window.URL || !URL.createObjectURL) { return; }
  var shown = ["image/jpeg", "image/png", "image/webp"];
  var urls = [];

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  input.addEventListener("change", function () {
    urls.forEach(function (url) { URL.revokeObjectURL(url); });
    urls = [];
    preview.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    preview.hidden = files.length === 0;
    if (!files.length) { return; }
    var heading = document.createElement("p");
    heading.textContent = (preview.getAttribute("data-selected") || "") + " " + files.length;
    preview.appendChild(heading);
    var list = document.createElement("ul");
    files.forEach(function (file) {
      var item = document.createElement("li");
      if (shown.indexOf(file.type) !== -1) {
        var img = document.createElement("img");
        var url = URL.createObjectURL(file);
        urls.push(url);
        img.src = url;
        img.alt = "";
        item.appendChild(img);
      }
      var label = document.createElement("span");
      label.textContent = file.name + " (" + size(file.size) + ")" +
        (shown.indexOf(file.type) === -1 ? " – " + (preview.getAttribute("data-no-preview") || "") : "");
      item.appendChild(label);
      list.appendChild(item);
    });
    preview.appendChild(list);
  });
})();
