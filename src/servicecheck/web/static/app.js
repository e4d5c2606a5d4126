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
