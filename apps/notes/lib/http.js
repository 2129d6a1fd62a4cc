'use strict';
// Small HTTP helpers shared by the API and the static file server: security
// headers, JSON responses and bounded request-body reading.

// Everything the app needs is served by the app itself (the grain sandbox has
// no network), so the policy only ever allows 'self'. WebSockets need ws:/wss:
// listed explicitly because not every browser treats 'self' as covering them.
// No frame-ancestors / X-Frame-Options: the Outpost shell may embed the grain
// in an iframe from a different origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = Object.freeze({
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} message shown to the client as `error`
   * @param {object} [extra] additional JSON fields for the error body
   * @param {object} [headers] additional response headers
   */
  constructor(status, message, extra, headers) {
    super(message);
    this.status = status;
    this.extra = extra;
    this.headers = headers;
  }
}

function setSecurityHeaders(res) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    res.setHeader(name, value);
  }
}

function sendJson(res, status, value, headers = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function sendError(res, err) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = err instanceof HttpError ? err.status : 500;
  const message = err instanceof HttpError ? err.message : 'Internal server error';
  const extra = err instanceof HttpError ? err.extra : undefined;
  const headers = err instanceof HttpError ? err.headers : undefined;
  sendJson(res, status, { error: message, ...extra }, headers);
}

/**
 * Reads the request body into a Buffer, refusing anything over `limit` bytes.
 * A declared Content-Length over the limit is rejected before reading anything.
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      // Don't keep the connection: the rest of the oversized body is not read.
      return new HttpError(413, `Request body is larger than ${formatBytes(limit)}`, undefined, { Connection: 'close' });
    };
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      reject(tooLarge());
      return;
    }
    const chunks = [];
    let size = 0;
    let settled = false;
    const settle = (fn, value) => {
      if (!settled) {
        settled = true;
        fn(value);
      }
    };
    req.on('data', (chunk) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle(reject, tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(resolve, Buffer.concat(chunks)));
    req.on('error', (err) => settle(reject, err));
    req.on('close', () => settle(reject, new HttpError(400, 'Request was aborted')));
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON request body. Insists on a JSON content type: besides
 * being correct, it means a cross-site <form> or no-cors fetch (which can only
 * send text/plain, urlencoded or multipart) can never reach a mutating endpoint.
 */
async function readJson(req, limit) {
  const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'Content-Type must be application/json');
  }
  const buf = await readBody(req, limit);
  if (buf.length === 0) throw new HttpError(400, 'Request body is empty; expected JSON');
  let text;
  try {
    text = utf8.decode(buf);
  } catch {
    throw new HttpError(400, 'Request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Request body is not valid JSON: ${err.message}`);
  }
}

function formatBytes(n) {
  if (n >= 1024 * 1024) return `${Math.round(n / (1024 * 1024))} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/**
 * Splits a request target into path and query without any URL "resolution"
 * (so "//x/../api" can't be normalized into a different route). Accepts the
 * absolute form ("http://host/path") some proxies send.
 */
function splitTarget(target) {
  let t = target;
  const absolute = /^https?:\/\/[^/?#]*/i.exec(t);
  if (absolute) t = t.slice(absolute[0].length) || '/';
  const q = t.indexOf('?');
  return q === -1 ? [t, ''] : [t.slice(0, q), t.slice(q + 1)];
}

module.exports = {
  HttpError,
  SECURITY_HEADERS,
  setSecurityHeaders,
  sendJson,
  sendError,
  readBody,
  readJson,
  splitTarget,
};
