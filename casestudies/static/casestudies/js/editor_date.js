// Dates an editor types (casestudies/interviews/admin/dates.py). Wagtail's date
// picker opens on focus below the field and stays open while the editor types,
// covering what lies below it: on a create form the sticky footer with the
// "Erstellen" button. Typing means the editor knows the date: close the picker
// then, so the next click reaches the button. Picking a day still works.
document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || !field.hasAttribute("data-editor-date")) return;
  if (window.jQuery && window.jQuery.fn.datetimepicker) window.jQuery(field).datetimepicker("hide");
});
