// The passkey ceremony: the only script in the service. It shows the passkey forms when the browser can do
// passkeys (and a message when it cannot), asks the browser for a credential, and posts it back as JSON in a
// hidden field. Without it, the e-mail code way works as before.
'use strict';
(function () {
  function toBuffer(text) {
    var s = text.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) { s += '='; }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = '';
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  var supported = !!(window.PublicKeyCredential && navigator.credentials && navigator.credentials.create);
  document.querySelectorAll('[data-passkey-area]').forEach(function (el) { el.hidden = !supported; });
  document.querySelectorAll('[data-passkey-unsupported]').forEach(function (el) { el.hidden = supported; });
  if (!supported) { return; }

  function register(pk) {
    pk.challenge = toBuffer(pk.challenge);
    pk.user.id = toBuffer(pk.user.id);
    (pk.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return navigator.credentials.create({ publicKey: pk }).then(function (cred) {
      return {
        id: cred.id, rawId: toText(cred.rawId), type: cred.type, extensions: {},
        response: {
          attestationObject: toText(cred.response.attestationObject),
          clientDataJSON: toText(cred.response.clientDataJSON),
          transports: cred.response.getTransports ? cred.response.getTransports() : []
        }
      };
    });
  }
  function authenticate(pk) {
    pk.challenge = toBuffer(pk.challenge);
    (pk.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return navigator.credentials.get({ publicKey: pk }).then(function (cred) {
      return {
        id: cred.id, rawId: toText(cred.rawId), type: cred.type, extensions: {},
        response: {
          authenticatorData: toText(cred.response.authenticatorData),
          clientDataJSON: toText(cred.response.clientDataJSON),
          signature: toText(cred.response.signature),
          userHandle: cred.response.userHandle ? toText(cred.response.userHandle) : null
        }
      };
    });
  }

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (form.dataset.sent) { return; }
      event.preventDefault();
      var status = form.querySelector('[data-passkey-status]');
      var options = JSON.parse(form.dataset.options).publicKey;
      var ceremony = form.dataset.passkey === 'register' ? register(options) : authenticate(options);
      ceremony.then(function (credential) {
        form.querySelector('input[name="credential"]').value = JSON.stringify(credential);
        form.dataset.sent = '1';
        form.submit();
      }).catch(function () {
        if (status) { status.textContent = status.dataset.failed; status.hidden = false; }
      });
    });
  });
})();
