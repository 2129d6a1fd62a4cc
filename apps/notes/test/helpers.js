'use strict';
// Test helpers: start the real server in a child process, talk HTTP to it
// with node:http, and speak raw WebSocket frames over node:net.

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SERVER = path.join(__dirname, '..', 'server.js');

const EDITOR = {
  'X-Outpost-User-Id': 'u-alice',
  'X-Outpost-User-Name': 'Alice%20Dupr%C3%A9',
  'X-Outpost-Permissions': 'edit',
  'X-Outpost-Session-Id': 's-alice',
};
const EDITOR_BOB = {
  'X-Outpost-User-Id': 'u-bob',
  'X-Outpost-User-Name': 'Bob',
  'X-Outpost-Permissions': 'edit',
  'X-Outpost-Session-Id': 's-bob',
};
const VIEWER = {
  'X-Outpost-User-Id': 'u-carol',
  'X-Outpost-User-Name': 'Carol',
  'X-Outpost-Permissions': '',
  'X-Outpost-Session-Id': 's-carol',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-notes-test-'));
}

/** Starts server.js; resolves once it logs that it is listening. */
async function startServer({ dataDir = tempDir(), env = {} } = {}) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => { output += d; });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output += d;
      if (output.includes('listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    port,
    dataDir,
    child,
    startupMs,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * Minimal HTTP client. `body` may be an object (sent as JSON), a string or a
 * Buffer. Resolves { status, headers, text, json }.
 */
function request(port, method, urlPath, { headers = {}, body, contentType } = {}) {
  return new Promise((resolve, reject) => {
    let payload;
    const h = { ...headers };
    if (body !== undefined) {
      payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      h['Content-Type'] = contentType || 'application/json';
      h['Content-Length'] = payload.length;
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// ---- WebSocket over a raw socket --------------------------------------------------

function encodeClientFrame(opcode, payload, { fin = true, mask = true } = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const len = data.length;
  let header;
  if (len < 126) {
    header = Buffer.alloc(2);
    header[1] = len;
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (!mask) return Buffer.concat([header, data]);
  header[1] |= 0x80;
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(data);
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i & 3];
  return Buffer.concat([header, key, masked]);
}

/**
 * Opens a WebSocket with a hand-written handshake. Resolves with
 * { status, headers, key, frames(), nextFrame(), send(), sendRaw(), socket }.
 * For a non-101 answer, `status`/`headers`/`rawResponse` describe it and the
 * socket is closed.
 */
function wsConnect(port, { path: wsPath = '/api/live', headers = {}, key = crypto.randomBytes(16).toString('base64') } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const lines = [
      `GET ${wsPath} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    let buffer = Buffer.alloc(0);
    let handshakeDone = false;
    const frameQueue = [];
    const waiters = [];
    let ended = false;

    function pump() {
      while (waiters.length && (frameQueue.length || ended)) {
        const waiter = waiters.shift();
        if (frameQueue.length) waiter.resolve(frameQueue.shift());
        else waiter.resolve(null); // connection closed
      }
    }

    function parseFrames() {
      for (;;) {
        if (buffer.length < 2) return;
        const fin = (buffer[0] & 0x80) !== 0;
        const opcode = buffer[0] & 0x0f;
        const masked = (buffer[1] & 0x80) !== 0;
        let len = buffer[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buffer.length < 10) return;
          len = Number(buffer.readBigUInt64BE(2));
          off = 10;
        }
        if (buffer.length < off + len) return;
        frameQueue.push({ fin, opcode, masked, payload: buffer.subarray(off, off + len) });
        buffer = buffer.subarray(off + len);
      }
    }

    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!handshakeDone) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        handshakeDone = true;
        const [statusLine, ...headerLines] = head.split('\r\n');
        const status = Number(statusLine.split(' ')[1]);
        const resHeaders = {};
        for (const line of headerLines) {
          const i = line.indexOf(':');
          resHeaders[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        const conn = {
          status,
          headers: resHeaders,
          key,
          socket,
          rawResponse: head,
          nextFrame(timeoutMs = 3000) {
            return new Promise((res, rej) => {
              const timer = setTimeout(() => rej(new Error('timed out waiting for a frame')), timeoutMs);
              waiters.push({ resolve: (f) => { clearTimeout(timer); res(f); } });
              pump();
            });
          },
          async nextJson(timeoutMs) {
            const frame = await conn.nextFrame(timeoutMs);
            if (!frame) throw new Error('connection closed');
            if (frame.opcode !== 1) throw new Error(`expected a text frame, got opcode ${frame.opcode}`);
            return JSON.parse(frame.payload.toString('utf8'));
          },
          send(opcode, payload, opts) {
            socket.write(encodeClientFrame(opcode, payload, opts));
          },
          sendJson(value) {
            socket.write(encodeClientFrame(1, JSON.stringify(value)));
          },
          sendRaw(buf) {
            socket.write(buf);
          },
          close() {
            socket.destroy();
          },
        };
        resolve(conn);
      }
      parseFrames();
      pump();
    });
    socket.on('end', () => { ended = true; pump(); });
    socket.on('close', () => { ended = true; pump(); });
    socket.on('error', (err) => {
      if (!handshakeDone) reject(err);
    });
  });
}

function expectedAccept(key) {
  return crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

module.exports = {
  EDITOR,
  EDITOR_BOB,
  VIEWER,
  startServer,
  request,
  tempDir,
  wsConnect,
  encodeClientFrame,
  expectedAccept,
};
