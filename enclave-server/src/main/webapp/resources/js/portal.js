// The portal's only script, served from this origin so the pages' Content-Security-Policy can
// refuse every inline script: a button with data-confirm asks before its form is submitted.
document.addEventListener('click', function (event) {
  var el = event.target.closest ? event.target.closest('[data-confirm]') : null;
  if (el && !window.confirm(el.getAttribute('data-confirm'))) {
    event.preventDefault();
  }
});
