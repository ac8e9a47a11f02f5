// A form sent back with errors: bring its summary (templates/bootstrap5/errors.html) into
// view and give it the focus, so that a screen reader reads it and the user sees it first.
const summary = document.querySelector(".form-error-summary");
if (summary) {
  summary.focus();
}
