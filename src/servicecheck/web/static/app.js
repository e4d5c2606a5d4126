// Keyboard-first capture: Ctrl+Enter (or Cmd+Enter) records from anywhere in the form, and
// after each capture the cursor is back in the verbatim box for the next call.
document.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    var form = e.target.closest && e.target.closest("form#capture");
    if (form) {
      e.preventDefault();
      form.requestSubmit();
    }
  }
});
// When the form comes back with problems (422, everything kept as typed), the cursor goes to
// the first field that needs a look; after a capture, back to the words for the next call.
document.addEventListener("htmx:afterSwap", function (e) {
  if (e.detail.target && e.detail.target.id === "capture-area") {
    var first = document.querySelector("#capture [aria-invalid=true]") ||
      (document.getElementById("nature-error") && document.querySelector("#capture input[name=nature]"));
    var box = first || document.getElementById("verbatim");
    if (box) box.focus();
  }
});

// "If other: say what" shows only while the type is Other, so Tab goes from the type straight
// to value or failure (without scripts the box is always there).
function otherBox() {
  var box = document.getElementById("type-other-box");
  var type = document.getElementById("demand_type");
  if (!box || !type || type.tagName !== "SELECT") return;
  var show = type.value === type.options[type.options.length - 1].value ||
    document.getElementById("type_other").value !== "";
  box.hidden = !show;
}
document.addEventListener("change", function (e) {
  if (e.target && e.target.id === "demand_type") otherBox();
});
document.addEventListener("DOMContentLoaded", otherBox);
document.addEventListener("htmx:afterSwap", otherBox);

// A file larger than the server takes is refused here, beside the field, before it is sent
// (the server refuses it too, before reading it).
document.addEventListener("change", function (e) {
  var input = e.target;
  if (!input || input.type !== "file" || !input.dataset.maxBytes) return;
  var max = Number(input.dataset.maxBytes);
  var file = input.files && input.files[0];
  input.setCustomValidity(file && file.size > max ?
    "The file is larger than " + input.dataset.maxSize + ", the most the web app " +
    "takes; import it with 'servicecheck import' instead." : "");
  input.reportValidity();
});
