// Editor uploads, straight from the browser to storage: ask the edge for a presigned PUT
// (POST /_media/uploads), send the bytes to storage with progress (XHR: fetch has no upload progress),
// confirm with the instance (POST /api/media), then insert the Markdown the instance returns.
// Served as a static file (the CSP allows no inline script). It enhances every
//   <textarea data-media-upload>
// with drag-and-drop and paste of files, a button (or the page's own <button data-media-upload-button>),
// and a progress list (or the page's own <ul data-media-upload-status>) announced to screen readers.
(function () {
  'use strict';

  // Only for the optional checksum: hashing reads the whole file into memory, so big files skip it.
  var CHECKSUM_MAX_BYTES = 64 * 1024 * 1024;
  // Browsers leave File.type empty for some files; the server still checks the allow-list.
  var TYPES_BY_EXTENSION = {
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif',
    pdf: 'application/pdf', txt: 'text/plain', log: 'text/plain', md: 'text/markdown', markdown: 'text/markdown', csv: 'text/csv',
    doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet',
    odp: 'application/vnd.oasis.opendocument.presentation', mp4: 'video/mp4', m4v: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime',
  };

  function contentTypeOf(file) {
    if (file.type) return file.type;
    var dot = file.name.lastIndexOf('.');
    return (dot > 0 && TYPES_BY_EXTENSION[file.name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
  }

  function base64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i += 1) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  async function checksumOf(file) {
    if (file.size > CHECKSUM_MAX_BYTES || !(window.crypto && crypto.subtle)) return undefined;
    return base64(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  }

  /** JSON from our own endpoints; their errors carry a message meant for people. */
  async function callJson(url, body) {
    var res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    var data = await res.json().catch(function () { return null; });
    if (!res.ok) {
      var message = data && data.error && data.error.message ? data.error.message : 'The server answered ' + res.status + '.';
      throw new Error(message);
    }
    return data;
  }

  function putToStorage(signed, file, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(signed.method, signed.url);
      Object.keys(signed.headers).forEach(function (name) {
        xhr.setRequestHeader(name, signed.headers[name]);
      });
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(new Error(xhr.status === 403 ? 'Storage refused the upload (the link expired or the file changed). Try again.' : 'Storage answered ' + xhr.status + '.'));
      };
      xhr.onerror = function () {
        reject(new Error('The upload could not reach storage. Check your connection and try again.'));
      };
      xhr.send(file);
    });
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart == null ? textarea.value.length : textarea.selectionStart;
    var end = textarea.selectionEnd == null ? start : textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? '\n' : '';
    textarea.value = before + glue + text + '\n' + textarea.value.slice(end);
    var caret = start + glue.length + text.length + 1;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function statusLine(list, name) {
    var item = document.createElement('li');
    var label = document.createElement('span');
    var bar = document.createElement('progress');
    label.textContent = name + ' ';
    bar.max = 1;
    bar.value = 0;
    item.append(label, bar);
    list.append(item);
    return {
      progress: function (fraction) { bar.value = fraction; },
      done: function (message) {
        bar.remove();
        label.textContent = name + ' — ' + message;
        item.dataset.state = 'done';
      },
      failed: function (message) {
        bar.remove();
        label.textContent = name + ' — ' + message;
        item.dataset.state = 'failed';
        item.setAttribute('role', 'alert');
      },
    };
  }

  async function uploadOne(file, textarea, list) {
    var line = statusLine(list, file.name);
    try {
      var signed = await callJson('/_media/uploads', {
        filename: file.name,
        contentType: contentTypeOf(file),
        size: file.size,
        checksum: await checksumOf(file),
      });
      await putToStorage(signed, file, line.progress);
      var record = await callJson('/api/media', { key: signed.key });
      insertAtCursor(textarea, record.markdown);
      line.done('uploaded');
    } catch (err) {
      line.failed(err && err.message ? err.message : 'Upload failed.');
    }
  }

  function enhance(textarea) {
    var form = textarea.form || textarea.parentElement;
    var list = form.querySelector('[data-media-upload-status]');
    if (!list) {
      list = document.createElement('ul');
      list.className = 'media-upload-status';
      textarea.after(list);
    }
    list.setAttribute('aria-live', 'polite');

    var input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.hidden = true;
    var button = form.querySelector('[data-media-upload-button]');
    if (!button) {
      button = document.createElement('button');
      button.type = 'button';
      button.className = 'media-upload-button';
      button.textContent = 'Upload a file or image';
      list.before(button);
    }
    button.after(input);

    function uploadAll(files) {
      // One at a time: the order of inserted references follows the order of the files.
      Array.from(files).reduce(function (chain, file) {
        return chain.then(function () { return uploadOne(file, textarea, list); });
      }, Promise.resolve());
    }

    button.addEventListener('click', function () { input.click(); });
    input.addEventListener('change', function () {
      uploadAll(input.files);
      input.value = '';
    });
    textarea.addEventListener('dragover', function (event) {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).indexOf('Files') !== -1) {
        event.preventDefault();
        textarea.classList.add('media-drop-target');
      }
    });
    textarea.addEventListener('dragleave', function () { textarea.classList.remove('media-drop-target'); });
    textarea.addEventListener('drop', function (event) {
      textarea.classList.remove('media-drop-target');
      if (event.dataTransfer && event.dataTransfer.files.length) {
        event.preventDefault();
        uploadAll(event.dataTransfer.files);
      }
    });
    textarea.addEventListener('paste', function (event) {
      if (event.clipboardData && event.clipboardData.files.length) {
        event.preventDefault();
        uploadAll(event.clipboardData.files);
      }
    });
  }

  function start() {
    document.querySelectorAll('textarea[data-media-upload]').forEach(enhance);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
