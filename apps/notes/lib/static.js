'use strict';
// Serves the app's own front-end files. Only the files listed here are
// reachable, so there is no path traversal to get wrong.

const fsp = require('node:fs/promises');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.join(__dirname, '..');

const FILES = new Map([
  ['/', 'public/index.html'],
  ['/index.html', 'public/index.html'],
  ['/app.js', 'public/app.js'],
  ['/markdown.js', 'public/markdown.js'],
  ['/style.css', 'public/style.css'],
  ['/icon.svg', 'icon.svg'],
]);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function createStaticHandler({ cache }) {
  // Files are read on first request, not at startup, to keep cold start
  // short. In production they are read-only (/app), so they are cached for the
  // life of the process; in development they are re-read so edits show up.
  const memo = new Map();

  async function load(relPath) {
    if (cache && memo.has(relPath)) return memo.get(relPath);
    const body = await fsp.readFile(path.join(ROOT, relPath));
    const entry = {
      body,
      type: TYPES[path.extname(relPath)] || 'application/octet-stream',
      etag: `"${crypto.createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`,
    };
    if (cache) memo.set(relPath, entry);
    return entry;
  }

  /** Returns true if it handled the request. */
  return async function serveStatic(req, res, pathname) {
    const relPath = FILES.get(pathname);
    if (!relPath) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed\n');
      return true;
    }
    const file = await load(relPath);
    const headers = {
      'Content-Type': file.type,
      ETag: file.etag,
      // Always revalidate: a new app version must show up right after an upgrade.
      'Cache-Control': 'no-cache',
    };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}

module.exports = { createStaticHandler };
