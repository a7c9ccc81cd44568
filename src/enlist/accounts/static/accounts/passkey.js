// Passkeys (WebAuthn): a form marked data-webauthn="create" or "get" holds the server's
// options (a <script type="application/json"> data block, never executed) and a hidden
// "credential" field. On submit the browser's authenticator is asked; its answer goes in the
// field as JSON and the form is posted. No inline script: CSP allows only our own files.
(function () {
  "use strict";

  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(json) {
    var o = Object.assign({}, json);
    o.challenge = fromB64url(json.challenge);
    o.user = Object.assign({}, json.user, { id: fromB64url(json.user.id) });
    o.excludeCredentials = (json.excludeCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: fromB64url(c.id) });
    });
    return o;
  }

  function requestOptions(json) {
    var o = Object.assign({}, json);
    o.challenge = fromB64url(json.challenge);
    o.allowCredentials = (json.allowCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: fromB64url(c.id) });
    });
    return o;
  }

  function serialise(credential) {
    var r = credential.response;
    var out = {
      id: credential.id,
      rawId: toB64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (credential.authenticatorAttachment) {
      out.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      out.response.userHandle = r.userHandle ? toB64url(r.userHandle) : null;
    }
    return JSON.stringify(out);
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    var status = form.querySelector("[data-webauthn-status]");
    var button = form.querySelector("button[type=submit]");
    function say(key) {
      if (status) { status.textContent = status.getAttribute(key) || ""; status.hidden = false; }
    }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("data-unsupported");
      if (button) { button.disabled = true; }
      return;
    }
    if (button) { button.disabled = false; }
    var mode = form.getAttribute("data-webauthn");
    var options = JSON.parse(document.getElementById(form.getAttribute("data-options")).textContent);
    var field = form.querySelector("input[name=credential]");
    form.addEventListener("submit", function (event) {
      if (field.value) { return; }  // the answer is in: post it
      event.preventDefault();
      say("data-waiting");
      var ask = mode === "create"
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      ask.then(function (credential) {
        field.value = serialise(credential);
        form.submit();
      }).catch(function () {
        say("data-failed");
      });
    });
  });
})();
