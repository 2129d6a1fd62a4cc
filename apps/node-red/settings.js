// Node-RED settings for one Outpost grain (https://nodered.org/docs/user-guide/runtime/settings-file).
// The grain has no network but loopback, so everything that would fetch from the internet is turned off; the session
// host already signs people in, so instead of Node-RED's own login the X-Outpost-Permissions header decides who may
// change flows.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");

// The environment overrides exist to run the same settings outside a sandbox (benchmarks, debugging).
const USER_DIR = `${process.env.DATA_DIR || "/var"}/node-red`;
const EDIT_PERMISSION = "edit";
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

fs.mkdirSync(USER_DIR, { recursive: true });

// Node-RED encrypts flow credentials (passwords typed into nodes) with this key. One random key per grain, made on the
// first start and kept with the grain's data, so a backup of the grain restores its credentials too.
function credentialSecret() {
  const file = `${USER_DIR}/.credential-secret`;
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(32).toString("hex");
    fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}

function mayEdit(request) {
  return String(request.headers["x-outpost-permissions"] || "").split(",").map(p => p.trim()).includes(EDIT_PERMISSION);
}

module.exports = {
  uiHost: "127.0.0.1",
  uiPort: Number(process.env.PORT || 8000),
  userDir: USER_DIR,
  flowFile: "flows.json",
  credentialSecret: credentialSecret(),

  // Reading the editor and the flows is open to everyone who can open the grain; every change (deploy, inject,
  // library saves) needs the edit permission.
  httpAdminMiddleware(request, response, next) {
    if (READ_METHODS.has(request.method) || mayEdit(request)) {
      next();
      return;
    }
    response.status(403).json({ error: "forbidden", message: "Your role on this flow workspace does not allow changes; ask its owner for the Editor role." });
  },

  // No npm installs at run time: the grain cannot reach a registry, and the package holds every node it runs.
  externalModules: {
    autoInstall: false,
    palette: { allowInstall: false, allowUpload: false },
    modules: { allowInstall: false },
  },
  functionExternalModules: false,
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false },
  runtimeState: { enabled: false, ui: false },
  editorTheme: {
    palette: { editable: false },
    projects: { enabled: false },
    tours: false,
    // Monaco's loader reads localStorage before any page script can step in (see storage-fallback.js); ACE does not.
    codeEditor: { lib: "ace" },
    page: { scripts: [`${__dirname}/storage-fallback.js`] },
  },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
