// The new-request form lists only the contacts of the chosen company
// (issue 14). Wagtail's company chooser sets its hidden input and fires
// "change"; the contact dropdown stays a native, keyboard-usable <select>.
// The server refuses a contact of another company either way.
(function () {
  "use strict";

  function setup() {
    var company = document.getElementById("id_company");
    var contact = document.getElementById("id_contact");
    if (!company || !contact) {
      return;
    }
    function filter() {
      var chosen = company.value;
      Array.prototype.forEach.call(contact.options, function (option) {
        if (!option.value) {
          return;
        }
        var offered = !chosen || option.getAttribute("data-company") === chosen;
        option.hidden = !offered;
        option.disabled = !offered;
      });
      var selected = contact.options[contact.selectedIndex];
      if (selected && selected.disabled) {
        contact.value = "";
      }
    }
    company.addEventListener("change", filter);
    filter();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
