// A confirmation before a grave step (issue 13: 结束专家评审, 授予称号, 停用辖区).
// A form or its submit button carries data-zc-confirm="question": the browser asks the
// question and the form is sent only when the user agrees.  The server asks too (a
// required "confirm" checkbox), so the step is confirmed even without JavaScript.
// Loaded as a static file: the Content-Security-Policy allows no inline script.
(function () {
  document.addEventListener('submit', function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute('data-zc-confirm')) ||
      event.target.getAttribute('data-zc-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
