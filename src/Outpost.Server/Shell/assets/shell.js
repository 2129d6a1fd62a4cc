// Outpost shell: the few things plain HTML cannot do. Every page works without this file except the upload's
// progress bar; search and sort fall back to the form's query string.
"use strict";

(() => {
  // Shows one error message in `container`, replacing `previous` (the one this form showed before); returns it.
  // Shared with passkeys.js, which loads after this file.
  const showAlert = (container, message, previous, atTop) => {
    previous?.remove();
    const alert = document.createElement("div");
    alert.className = "alert";
    alert.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = message;
    alert.append(text);
    if (atTop) {
      container.prepend(alert);
    } else {
      container.append(alert);
    }
    return alert;
  };
  window.outpostShowAlert = showAlert;

  // ---- Grains page: filter as you type, sort without a reload -------------------------------------------
  const filter = document.querySelector("[data-grain-filter]");
  const list = document.querySelector("[data-grain-list]");
  if (filter && list) {
    const query = filter.querySelector("input[name=q]");
    const sort = filter.querySelector("select[name=sort]");
    const noMatch = document.querySelector("[data-no-match]");
    const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
    const rows = () => Array.from(list.querySelectorAll("[data-grain-id]"));
    const order = {
      title: (a, b) => collator.compare(a.dataset.title, b.dataset.title),
      app: (a, b) => collator.compare(a.dataset.app, b.dataset.app) || collator.compare(a.dataset.title, b.dataset.title),
      opened: (a, b) => Number(b.dataset.opened) - Number(a.dataset.opened),
    };

    const apply = () => {
      const needle = query.value.trim().toLocaleLowerCase();
      let shown = 0;
      for (const row of rows()) {
        const hit = !needle
          || row.dataset.title.toLocaleLowerCase().includes(needle)
          || row.dataset.app.toLocaleLowerCase().includes(needle);
        row.hidden = !hit;
        shown += hit ? 1 : 0;
      }
      if (noMatch) {
        noMatch.hidden = shown > 0;
      }

      const key = order[sort.value] ? sort.value : "opened";
      for (const row of rows().sort(order[key])) {
        list.appendChild(row);
      }

      // Keep the address (and the Rename form, which reloads the page) in step with what is shown.
      const url = new URL(location.href);
      needle ? url.searchParams.set("q", query.value.trim()) : url.searchParams.delete("q");
      key === "opened" ? url.searchParams.delete("sort") : url.searchParams.set("sort", key);
      history.replaceState(null, "", url);
      document.querySelectorAll("#rename-open input[name=q]").forEach((input) => { input.value = query.value.trim(); });
      document.querySelectorAll("#rename-open input[name=sort]").forEach((input) => { input.value = key; });
    };

    query.addEventListener("input", apply);
    sort.addEventListener("change", apply);
    filter.addEventListener("submit", (event) => {
      event.preventDefault();
      apply();
    });
  }

  // ---- Apps page: upload a package with a progress bar -----------------------------------------------------
  const install = document.querySelector("[data-install-form]");
  if (install) {
    const input = install.querySelector("input[type=file]");
    const button = install.querySelector("button[type=submit]");
    const progress = install.querySelector("[data-install-progress]");
    const status = install.querySelector("[data-install-status]");
    let alert = null;

    const showError = (message) => {
      alert = showAlert(install, message, alert, false);
    };

    const reset = () => {
      button.disabled = false;
      progress.hidden = true;
      status.textContent = "";
    };

    install.addEventListener("submit", (event) => {
      event.preventDefault();
      const file = input.files[0];
      if (!file) {
        showError("Choose a package file (.opk) first.");
        return;
      }

      alert?.remove();
      alert = null;
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      status.textContent = `Uploading ${file.name}…`;

      // XMLHttpRequest rather than fetch: only it reports upload progress. The body is the raw package, as the
      // API expects; the browser adds the Origin header the API checks.
      const request = new XMLHttpRequest();
      request.open("POST", "/api/apps");
      request.setRequestHeader("Content-Type", "application/octet-stream");
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (progressEvent) => {
        if (progressEvent.lengthComputable) {
          progress.value = Math.round((progressEvent.loaded / progressEvent.total) * 100);
          if (progressEvent.loaded === progressEvent.total) {
            status.textContent = "Checking the package…";
          }
        }
      });
      request.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(request.responseText);
        } catch {
          // not JSON: fall back to a message from the status code
        }

        if (request.status === 201) {
          location.assign("/apps" + (body?.appId ? "?installed=" + encodeURIComponent(body.appId) : ""));
          return;
        }

        reset();
        const fallback = {
          401: "You are no longer signed in. Sign in again, then retry.",
          403: "Your account may not install apps.",
          413: "The package is too large.",
        }[request.status];
        showError(body?.detail || fallback || body?.title || `The server refused the package (HTTP ${request.status}).`);
      });
      request.addEventListener("error", () => {
        reset();
        showError("The upload failed. Check your connection and try again.");
      });
      request.send(file);
    });
  }

  // ---- Copy buttons (invitation links, authenticator keys, recovery codes) ---------------------------------
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }

    const label = button.querySelector("span");
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      if (label) {
        const text = label.textContent;
        label.textContent = "Copied";
        setTimeout(() => { label.textContent = text; }, 2000);
      }
    } catch {
      // No clipboard (plain http on another host): select the text so Ctrl+C works.
      const code = button.parentElement.querySelector("code");
      if (code) {
        getSelection().selectAllChildren(code);
      }
    }
  });
})();
