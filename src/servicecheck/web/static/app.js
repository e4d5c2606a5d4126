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

// A capture that did not reach the store is said at once, beside the words still typed: the
// app not answering, a sign-in that ended, a refused form. Without this the last "Recorded
// demand N." stayed on screen and the recorder moved on to the next call.
function fromCapture(e) {
  var elt = e.detail && e.detail.elt;
  return elt && elt.closest ? elt.closest("form#capture") : null;
}
function notRecorded(why) {
  var box = document.getElementById("not-recorded");
  if (!box) return;
  box.querySelectorAll("[data-why]").forEach(function (p) { p.hidden = p.dataset.why !== why; });
  box.hidden = false;
  var saved = document.querySelector("#capture-area .saved");
  if (saved) saved.remove();
}
// the form's token, from the page as the current sign-in sees it (after signing in again)
function freshToken() {
  fetch("/capture", {credentials: "same-origin"}).then(function (r) {
    return r.ok && !r.redirected ? r.text() : null;
  }).then(function (text) {
    if (!text) return;
    var got = new DOMParser().parseFromString(text, "text/html")
      .querySelector("#capture input[name=csrf]");
    if (!got) return;
    // every form's field and the header htmx sends (base.html): the header is read first
    document.querySelectorAll("input[name=csrf]").forEach(function (i) { i.value = got.value; });
    document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRF-Token": got.value}));
  }).catch(function () {});
}
document.addEventListener("htmx:sendError", function (e) {
  // a suggestion not fetched while typing is no capture lost
  if (fromCapture(e) && e.detail.elt.id === "capture") notRecorded("offline");
});
document.addEventListener("htmx:timeout", function (e) {
  if (fromCapture(e) && e.detail.elt.id === "capture") notRecorded("offline");
});
document.addEventListener("htmx:responseError", function (e) {
  if (!fromCapture(e)) return;
  var status = e.detail.xhr.status;
  if (status === 401) notRecorded("signin");
  else if (e.detail.elt.id !== "capture") return;
  else if (status === 403) { notRecorded("refused"); freshToken(); }
  else notRecorded("other");
});
document.addEventListener("htmx:afterSwap", function (e) {
  var box = document.getElementById("not-recorded");
  if (box && e.detail.target && e.detail.target.id === "capture-area") box.hidden = true;
});
window.addEventListener("focus", function () {
  var box = document.getElementById("not-recorded");
  if (box && !box.hidden) freshToken();
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
