// Progressive enhancement only: every feature works without this file.
(function () {
  'use strict';
  // Live preview in the editor: the "Preview" button works without JavaScript (a round trip);
  // with it, the preview follows the text as you type.
  var editor = document.querySelector('textarea[data-editor]');
  var preview = document.querySelector('[data-preview]');
  if (editor && preview) {
    var timer = null;
    var last = '';
    var refresh = function () {
      if (editor.value === last) return;
      last = editor.value;
      fetch('/api/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ content: editor.value, path: editor.getAttribute('data-path') || '/' }),
        credentials: 'same-origin',
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          // The server sanitised this HTML exactly as it does for saved pages.
          if (body && typeof body.html === 'string') preview.innerHTML = body.html;
        })
        .catch(function () {});
    };
    editor.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    // Tab inserts two spaces instead of leaving the textarea (Shift+Tab still leaves).
    editor.addEventListener('keydown', function (e) {
      if (e.key !== 'Tab' || e.shiftKey) return;
      e.preventDefault();
      var s = editor.selectionStart;
      editor.setRangeText('  ', s, editor.selectionEnd, 'end');
    });
  }
  // Confirm destructive buttons.
  document.querySelectorAll('[data-confirm]').forEach(function (el) {
    el.addEventListener('click', function (e) {
      if (!window.confirm(el.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
})();
