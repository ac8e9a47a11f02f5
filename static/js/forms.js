// A form sent back with errors: bring its summary (templates/bootstrap5/errors.html) into
// view and give it the focus, so that a screen reader reads it and the user sees it first.
const summary = document.querySelector(".form-error-summary");
if (summary) {
  summary.focus();
}

// A button that deletes asks first: data-confirm holds the question (an inline onclick
// would be refused by the Content-Security-Policy). Cancelled, the form is not sent.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
