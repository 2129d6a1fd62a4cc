// Passkeys (WebAuthn) for the sign-in and account pages. A form marked data-passkey="signin" or "create" asks the
// server for options, lets the browser make or use a passkey, then posts the credential (JSON) with the form.
"use strict";

(() => {
  const supported = typeof PublicKeyCredential !== "undefined"
    && typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function";

  for (const form of document.querySelectorAll("form[data-passkey]")) {
    if (form.dataset.passkeyReady) {
      continue; // the script is included by each component that needs it; wire each form once
    }
    form.dataset.passkeyReady = "true";

    if (!supported) {
      form.querySelector("[data-passkey-unsupported]")?.removeAttribute("hidden");
      form.querySelector("button[type=submit]")?.setAttribute("disabled", "");
      continue;
    }

    const create = form.dataset.passkey === "create";
    const button = form.querySelector("button[type=submit]");
    let alert = null;
    const showError = (message) => {
      // Also replaces a message the server rendered into the form.
      form.querySelector(".alert")?.remove();
      alert = window.outpostShowAlert(form, message, alert, true);
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        const token = form.querySelector("input[name=__RequestVerificationToken]").value;
        const response = await fetch(create ? "/account/passkeys/options" : "/login/passkey/options", {
          method: "POST",
          headers: { RequestVerificationToken: token },
          credentials: "same-origin",
        });
        if (!response.ok) {
          throw new Error(response.status === 429 ? "Too many attempts. Wait a minute and try again." : "The server could not start the passkey step. Reload the page and try again.");
        }

        const options = await response.json();
        const credential = create
          ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
          : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        form.querySelector("input[name=credential]").value = JSON.stringify(credential);
        form.submit(); // a plain submit: no submit event, so no loop
      } catch (error) {
        button.disabled = false;
        if (error.name === "NotAllowedError" || error.name === "AbortError") {
          showError(create ? "No passkey was created." : "No passkey was used. Try again, or sign in with your password.");
        } else if (error.name === "InvalidStateError") {
          showError("This device already holds a passkey for your account.");
        } else {
          showError(error.message || "The passkey step failed.");
        }
      }
    });
  }
})();
