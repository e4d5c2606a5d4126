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
document.addEventListener("htmx:afterSwap", function (e) {
  if (e.detail.target && e.detail.target.id === "capture-area") {
    var box = document.getElementById("verbatim");
    if (box) box.focus();
  }
});
