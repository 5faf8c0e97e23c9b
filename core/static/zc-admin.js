// Flask-Admin's templates carry a few inline onclick handlers and javascript:void(0)
// links, which the Content-Security-Policy (script-src 'self', no 'unsafe-inline')
// refuses.  Before Flask-Admin's own scripts run, this takes them out of the page and
// binds the same behaviour: the handler text is only matched, never evaluated.
(function () {
  var ACTION = /^return modelActions\.execute\('([^']+)'\);$/;   // "With selected" menu
  var CONFIRM = /^return faHelpers\.safeConfirm\('(.*)'\);$/;     // delete button of a row
  document.querySelectorAll('[onclick]').forEach(function (element) {
    element.setAttribute('data-zc-onclick', element.getAttribute('onclick'));
    element.removeAttribute('onclick');
  });
  document.querySelectorAll('a[href^="javascript:"]').forEach(function (link) {
    link.setAttribute('href', '#');
    link.setAttribute('data-zc-no-link', '');
  });
  document.addEventListener('click', function (event) {
    var element = event.target.closest('[data-zc-onclick], [data-zc-no-link]');
    if (!element) return;
    var handler = element.getAttribute('data-zc-onclick') || '';
    var action = ACTION.exec(handler);
    var confirmation = CONFIRM.exec(handler);
    if (action) {
      event.preventDefault();
      window.modelActions.execute(action[1]);
    } else if (confirmation) {
      if (!window.faHelpers.safeConfirm(confirmation[1])) event.preventDefault();
    } else if (element.hasAttribute('data-zc-no-link') || handler === 'return false;') {
      event.preventDefault();  // nothing to follow
    }
  });
})();
