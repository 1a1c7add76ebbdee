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

// A picker opened with the mouse and left open lay over the sticky footer
// just the same, and a click on "Erstellen" picked a day instead. Where it
// would reach the footer it opens above the field, as the picker itself
// does at the window's bottom edge.
if (window.jQuery) {
  window.jQuery(document).on("open.xdsoft", ".xdsoft_datetimepicker", function keepFooterFree() {
    const input = window.jQuery(this).data("input");
    const field = input && input[0];
    const footer = field && field.form && field.form.querySelector("footer");
    if (!footer || !field.hasAttribute("data-editor-date")) return;
    const above = field.getBoundingClientRect().top - this.offsetHeight + 1;
    if (this.getBoundingClientRect().bottom <= footer.getBoundingClientRect().top || above < 0) return;
    const fixed = window.getComputedStyle(this).position === "fixed";
    this.style.bottom = "";
    this.style.top = `${fixed ? above : above + window.scrollY}px`;
  });
}
