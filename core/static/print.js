// The public notice's print button, bound here: the Content-Security-Policy runs no inline script.
document.querySelectorAll('[data-zc-print]').forEach(function (button) {
  button.addEventListener('click', function () { window.print(); });
});
