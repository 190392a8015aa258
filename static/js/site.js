// What pages ask for with data- attributes: the Content-Security-Policy runs no inline
// script, so no onsubmit="…" or onchange="…" in the templates.

// <form data-confirm="…">: asks before sending.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// <select data-autosubmit>: choosing sends the form (a year picker, say).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
