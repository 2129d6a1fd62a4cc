// Starts TiddlyWiki for one grain. The wiki lives in /var/wiki and is created on the first start. TiddlyWiki listens
// on an inner port; this script listens on the grain's port and forwards every request, turning Outpost's
// X-Outpost-Permissions header into the user header TiddlyWiki checks before a save, so only people whose role grants
// "edit" can change the wiki and everyone else who can open the grain reads it.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");

// The environment overrides exist to run the same script outside a sandbox (benchmarks, debugging).
const TIDDLYWIKI_DIR = process.env.TIDDLYWIKI_DIR || "/opt/tiddlywiki/node_modules/tiddlywiki";
const WIKI = `${process.env.DATA_DIR || "/var"}/wiki`;
const PORT = Number(process.env.PORT || 8000);
const INNER_PORT = PORT + 1;
const WRITER_HEADER = "x-outpost-wiki-writer";
const EDIT_PERMISSION = "edit";

if (!fs.existsSync(`${WIKI}/tiddlywiki.info`)) {
  // Made beside and renamed into place, so a start that dies half-way never leaves a half-made wiki behind.
  const fresh = `${WIKI}.new`;
  fs.rmSync(fresh, { recursive: true, force: true });
  execFileSync(process.execPath, [`${TIDDLYWIKI_DIR}/tiddlywiki.js`, fresh, "--init", "server"], { stdio: "inherit" });
  fs.renameSync(fresh, WIKI);
}

const $tw = require(`${TIDDLYWIKI_DIR}/boot/boot.js`).TiddlyWiki();
$tw.boot.argv = [
  WIKI, "--listen", `port=${INNER_PORT}`, "host=127.0.0.1",
  `authenticated-user-header=${WRITER_HEADER}`, "readers=(anon)", "writers=(authenticated)",
];
$tw.boot.boot();

function mayEdit(request) {
  return String(request.headers["x-outpost-permissions"] || "").split(",").map(p => p.trim()).includes(EDIT_PERMISSION);
}

const front = http.createServer((request, response) => {
  const headers = { ...request.headers };
  // Whatever the browser sent under this name is dropped: only this script decides who is a writer.
  delete headers[WRITER_HEADER];
  if (mayEdit(request)) {
    headers[WRITER_HEADER] = request.headers["x-outpost-user-name"] || "editor";
  }

  const inner = http.request({ host: "127.0.0.1", port: INNER_PORT, method: request.method, path: request.url, headers }, reply => {
    response.writeHead(reply.statusCode, reply.headers);
    reply.pipe(response);
  });
  inner.on("error", error => {
    response.writeHead(502, { "content-type": "text/plain" });
    response.end(`TiddlyWiki did not answer: ${error.message}\n`);
  });
  request.pipe(inner);
});

// Listen on the grain's port only once TiddlyWiki answers, so the first request never meets a wiki still booting.
function listenWhenReady(attempt) {
  const probe = net.connect(INNER_PORT, "127.0.0.1", () => {
    probe.end();
    front.listen(PORT, "127.0.0.1", () => console.log(`TiddlyWiki ready on port ${PORT}`));
  });
  probe.on("error", () => {
    if (attempt > 600) {
      console.error("TiddlyWiki did not start listening within 60 seconds");
      process.exit(1);
    }
    setTimeout(() => listenWhenReady(attempt + 1), 100);
  });
}
listenWhenReady(0);
