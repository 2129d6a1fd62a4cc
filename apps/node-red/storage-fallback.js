// Loaded into the Node-RED editor page (settings.js, editorTheme.page.scripts). The editor keeps its preferences in
// localStorage and stops loading if reading it throws. A browser that blocks third-party storage throws there when the
// grain is framed by a shell on another site (the default http://localhost setup, private windows); then the editor
// gets an in-memory store instead, and forgets its view preferences when the page reloads. Flows are unaffected: they
// live on the server.
(function () {
  "use strict";
  try {
    window.localStorage.getItem("outpost-storage-check");
    return;
  } catch (blocked) {
    const items = new Map();
    const memoryStorage = {
      get length() { return items.size; },
      key(index) { return Array.from(items.keys())[index] ?? null; },
      getItem(key) { return items.has(String(key)) ? items.get(String(key)) : null; },
      setItem(key, value) { items.set(String(key), String(value)); },
      removeItem(key) { items.delete(String(key)); },
      clear() { items.clear(); },
    };
    Object.defineProperty(window, "localStorage", { value: memoryStorage, configurable: true });
    console.warn("Node-RED: this browser blocks storage for the framed grain; editor preferences last until the page reloads.");
  }
})();
