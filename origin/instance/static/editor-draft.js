// Unsaved editor text survives a reload, a click away and a crashed tab. Kept in this tab's sessionStorage,
// not localStorage: nothing outlives the tab on a shared computer. Keyed per user and per editor (the
// server's data-draft-key), so someone else signing in in the same tab never sees it.
// Progressive enhancement: without it, the editor works as before.
(function () {
  'use strict';
  var form = document.getElementById('page-form');
  var storage;
  try {
    storage = window.sessionStorage;
  } catch (e) {
    return; // storage disabled
  }
  if (!form || !storage) return;
  var key = 'wikiplatform:draft:' + form.getAttribute('data-draft-key');
  var fields = ['title', 'path', 'content', 'message']
    .map(function (name) { return form.elements.namedItem(name); })
    .filter(Boolean);
  var revisionField = form.elements.namedItem('revision');
  var revision = revisionField ? revisionField.value : 'new';
  var saveButton = form.querySelector('button[value="save"]');

  function snapshot() {
    var values = {};
    fields.forEach(function (f) { values[f.name] = f.value; });
    return values;
  }
  function same(a, b, names) {
    return fields.every(function (f) {
      return (names && names.indexOf(f.name) < 0) || (a[f.name] || '') === (b[f.name] || '');
    });
  }
  function read() {
    try {
      var draft = JSON.parse(storage.getItem(key));
      return draft && typeof draft === 'object' && draft.values ? draft : null;
    } catch (e) {
      return null;
    }
  }
  function write(draft) {
    try {
      storage.setItem(key, JSON.stringify(draft));
    } catch (e) {
      // Over the quota: the beforeunload warning still guards the text.
    }
  }
  function drop() {
    try {
      storage.removeItem(key);
    } catch (e) {}
  }

  var initial = snapshot();
  var submitting = false;
  var timer = null;

  function keep() {
    var values = snapshot();
    if (same(values, initial)) return drop();
    // The revision the text is based on is the form's: a restored draft keeps the older one it was written on.
    write({ values: values, revision: revisionField ? revisionField.value : 'new', savedAt: Date.now() });
  }

  // A draft whose title, path and text the form already shows is done with: its save went through (the
  // change note is not kept by the page). Anything else is offered back, a failed save included, even
  // when someone else has saved since.
  var found = read();
  if (found && same(found.values, initial, ['title', 'path', 'content'])) {
    drop();
    found = null;
  }
  if (found) offer(found);

  function offer(draft) {
    var notice = document.createElement('div');
    notice.className = 'notice';
    notice.setAttribute('role', 'status');
    notice.setAttribute('data-testid', 'draft-notice');
    var text = document.createElement('p');
    text.textContent = 'This tab kept text you had not saved, from ' + new Date(draft.savedAt).toLocaleTimeString() + '.';
    if (draft.revision !== revision && draft.revision !== 'new') {
      text.textContent += ' The page has changed since (it was revision ' + draft.revision + '): saving it will show both versions to merge.';
    }
    var restore = document.createElement('button');
    restore.type = 'button';
    restore.textContent = 'Restore it';
    restore.setAttribute('data-testid', 'draft-restore');
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'secondary';
    discard.textContent = 'Discard it';
    discard.setAttribute('data-testid', 'draft-discard');
    var actions = document.createElement('p');
    actions.className = 'form-actions';
    actions.appendChild(restore);
    actions.appendChild(discard);
    notice.appendChild(text);
    notice.appendChild(actions);
    form.insertBefore(notice, form.firstChild);

    restore.addEventListener('click', function () {
      fields.forEach(function (f) {
        if (typeof draft.values[f.name] === 'string') f.value = draft.values[f.name];
      });
      // Saved against the revision it was written on, so newer changes are never overwritten unseen:
      // the server answers with its conflict page instead.
      if (revisionField && draft.revision !== 'new') revisionField.value = draft.revision;
      var content = form.elements.namedItem('content');
      if (content) content.dispatchEvent(new Event('input', { bubbles: true }));
      notice.remove();
    });
    discard.addEventListener('click', function () {
      drop();
      notice.remove();
    });
  }

  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(keep, 500);
  });
  form.addEventListener('submit', function () {
    submitting = true;
    clearTimeout(timer);
    // Kept until the editor shows it saved (above): a save that fails on the way leaves it to restore.
    // A new page's editor opens empty after a create, so its draft goes now; a refused create shows the text again.
    if (revision === 'new') drop();
    else keep();
  });
  window.addEventListener('beforeunload', function (e) {
    if (submitting || same(snapshot(), initial)) return;
    keep();
    e.preventDefault();
    e.returnValue = '';
  });
  // Choosing a template (a link on a new page's form) opens the form again with the template's text: the
  // title and path typed so far go along, text typed so far is replaced only once confirmed, and what is
  // left behind is no draft to offer back.
  var templates = document.querySelector('[data-testid="templates"]');
  if (templates) {
    templates.addEventListener('click', function (e) {
      var link = e.target.closest ? e.target.closest('a[data-template-choice]') : null;
      if (!link) return;
      var values = snapshot();
      if ((values.content || '') !== (initial.content || '') && !window.confirm('Replace the text you wrote with this template?')) {
        e.preventDefault();
        return;
      }
      var url = new URL(link.href);
      ['title', 'path'].forEach(function (name) {
        if (values[name]) url.searchParams.set(name, values[name]);
        else url.searchParams.delete(name);
      });
      link.href = url.toString();
      submitting = true;
      clearTimeout(timer);
      drop();
    });
  }
  // Ctrl+S / Cmd+S saves, as in every editor, instead of saving the HTML page to disk.
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === 's' && saveButton) {
      e.preventDefault();
      if (submitting) return; // one save at a time: a second would conflict with the first
      if (form.requestSubmit) form.requestSubmit(saveButton);
      else saveButton.click();
    }
  });
})();
