'use strict';
// A small server-side WebSocket implementation (RFC 6455) on top of node:http's
// 'upgrade' event, because the app has no dependencies. It supports what a
// browser client needs: the opening handshake, text messages (including
// fragmented ones), ping/pong and the closing handshake. No extensions
// (permessage-deflate) or subprotocols are negotiated, which the RFC allows.

const crypto = require('node:crypto');
const http = require('node:http');
const { EventEmitter } = require('node:events');
const { SECURITY_HEADERS } = require('./http');

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { CONTINUATION: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa };
const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  INVALID_DATA: 1007,
  TOO_BIG: 1009,
};

const DEFAULT_MAX_MESSAGE = 64 * 1024;
// A client that stops reading must not make the server buffer without bound.
const MAX_BUFFERED_OUTPUT = 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Writes a plain HTTP error on a socket that asked to upgrade, then closes it. */
function rejectUpgrade(socket, status, message, headers = {}) {
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries({ ...SECURITY_HEADERS, ...headers }).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function headerHasToken(value, token) {
  return String(value || '')
    .toLowerCase()
    .split(',')
    .some((t) => t.trim() === token);
}

/**
 * Validates the client's opening handshake and, if it is acceptable, answers
 * 101 Switching Protocols and returns a WebSocketConnection. Otherwise writes
 * an HTTP error to the socket and returns null.
 */
function acceptWebSocket(req, socket, head, options = {}) {
  if (req.method !== 'GET') {
    rejectUpgrade(socket, 405, 'WebSocket handshake must use GET', { Allow: 'GET' });
    return null;
  }
  if (!headerHasToken(req.headers.upgrade, 'websocket') || !headerHasToken(req.headers.connection, 'upgrade')) {
    rejectUpgrade(socket, 400, 'Expected Upgrade: websocket');
    return null;
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    rejectUpgrade(socket, 426, 'Unsupported WebSocket version', { 'Sec-WebSocket-Version': '13' });
    return null;
  }
  const key = req.headers['sec-websocket-key'];
  // The key must be base64 of 16 random bytes (RFC 6455 section 4.1).
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    rejectUpgrade(socket, 400, 'Missing or invalid Sec-WebSocket-Key');
    return null;
  }
  const accept = crypto.createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n` +
      '\r\n',
  );
  return new WebSocketConnection(socket, head, options);
}

function encodeFrame(opcode, payload) {
  const len = payload.length;
  let header;
  if (len < 126) {
    header = Buffer.alloc(2);
    header[1] = len;
  } else if (len < 0x10000) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  header[0] = 0x80 | opcode; // FIN + opcode; server frames are never masked
  return Buffer.concat([header, payload]);
}

/**
 * Events: 'message' (text: string), 'close' (code: number). Binary messages
 * are accepted and ignored since this app has no use for them.
 */
class WebSocketConnection extends EventEmitter {
  constructor(socket, head, { maxMessage = DEFAULT_MAX_MESSAGE } = {}) {
    super();
    this.socket = socket;
    this.maxMessage = maxMessage;
    this.buffer = Buffer.alloc(0);
    this.fragments = null; // { opcode, parts, size } while a fragmented message is in flight
    this.closeSent = false;
    this.closed = false;
    this.alive = true; // reset by the heartbeat, set again by any pong

    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.socket.destroy());
    socket.on('close', () => this.finish(1006));
    if (head && head.length) this.onData(head);
  }

  send(text) {
    this.sendFrame(OP.TEXT, Buffer.from(text, 'utf8'));
  }

  sendJson(value) {
    this.send(JSON.stringify(value));
  }

  ping() {
    this.sendFrame(OP.PING, Buffer.alloc(0));
  }

  /** Starts the closing handshake; the peer echoes the close and we hang up. */
  close(code = CLOSE.NORMAL, reason = '') {
    if (this.closeSent || this.closed) return;
    const reasonBuf = Buffer.from(reason, 'utf8').subarray(0, 123);
    const payload = Buffer.alloc(2 + reasonBuf.length);
    payload.writeUInt16BE(code, 0);
    reasonBuf.copy(payload, 2);
    this.sendFrame(OP.CLOSE, payload);
    this.closeSent = true;
    // Don't wait forever for a peer that never answers the close.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  terminate() {
    this.socket.destroy();
  }

  sendFrame(opcode, payload) {
    if (this.closeSent || this.closed || this.socket.destroyed) return;
    if (this.socket.writableLength > MAX_BUFFERED_OUTPUT) {
      this.terminate();
      return;
    }
    this.socket.write(encodeFrame(opcode, payload));
  }

  /** Closes the connection because the peer broke the protocol. */
  fail(code, reason) {
    this.close(code, reason);
    this.buffer = Buffer.alloc(0);
    this.socket.end();
  }

  /** fail() for use inside parseFrame(): stops the parse loop. */
  reject(code, reason) {
    this.fail(code, reason);
    return false;
  }

  finish(code) {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code);
  }

  onData(chunk) {
    if (this.closeSent || this.closed) return; // nothing more is processed after a close
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.parseFrame()) {
      // keep going while complete frames are buffered
    }
  }

  /** Parses one frame from the buffer. Returns false when more data is needed. */
  parseFrame() {
    const buf = this.buffer;
    if (buf.length < 2) return false;
    const fin = (buf[0] & 0x80) !== 0;
    const rsv = buf[0] & 0x70;
    const opcode = buf[0] & 0x0f;
    const masked = (buf[1] & 0x80) !== 0;
    let length = buf[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return false;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return false;
      const big = buf.readBigUInt64BE(2);
      length = big > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(big);
      offset = 10;
    }

    // Reject bad frames as soon as the header is known, so a client can't make
    // us buffer a huge payload before noticing it is not allowed.
    const isControl = opcode >= 0x8;
    if (rsv !== 0) return this.reject(CLOSE.PROTOCOL_ERROR, 'Reserved bits set');
    if (!masked) return this.reject(CLOSE.PROTOCOL_ERROR, 'Client frames must be masked');
    if (isControl) {
      if (![OP.CLOSE, OP.PING, OP.PONG].includes(opcode)) return this.reject(CLOSE.PROTOCOL_ERROR, 'Unknown opcode');
      if (!fin || length > 125) return this.reject(CLOSE.PROTOCOL_ERROR, 'Invalid control frame');
    } else {
      if (![OP.CONTINUATION, OP.TEXT, OP.BINARY].includes(opcode)) return this.reject(CLOSE.PROTOCOL_ERROR, 'Unknown opcode');
      if (opcode === OP.CONTINUATION && !this.fragments) return this.reject(CLOSE.PROTOCOL_ERROR, 'Unexpected continuation frame');
      if (opcode !== OP.CONTINUATION && this.fragments) return this.reject(CLOSE.PROTOCOL_ERROR, 'Expected continuation frame');
      const soFar = this.fragments ? this.fragments.size : 0;
      if (soFar + length > this.maxMessage) return this.reject(CLOSE.TOO_BIG, 'Message too big');
    }

    if (buf.length < offset + 4 + length) return false;
    const mask = buf.subarray(offset, offset + 4);
    offset += 4;
    const payload = Buffer.from(buf.subarray(offset, offset + length)); // copy: unmasked in place
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    this.buffer = buf.subarray(offset + length);

    if (isControl) this.onControl(opcode, payload);
    else this.onDataFrame(fin, opcode, payload);
    return !this.closeSent && !this.closed;
  }

  onDataFrame(fin, opcode, payload) {
    if (!this.fragments) {
      if (fin) return this.deliver(opcode, payload);
      this.fragments = { opcode, parts: [payload], size: payload.length };
      return undefined;
    }
    this.fragments.parts.push(payload);
    this.fragments.size += payload.length;
    if (fin) {
      const { opcode: first, parts } = this.fragments;
      this.fragments = null;
      this.deliver(first, Buffer.concat(parts));
    }
    return undefined;
  }

  deliver(opcode, payload) {
    if (opcode !== OP.TEXT) return; // binary: not used by this app
    let text;
    try {
      text = utf8.decode(payload);
    } catch {
      this.fail(CLOSE.INVALID_DATA, 'Text message is not valid UTF-8');
      return;
    }
    this.emit('message', text);
  }

  onControl(opcode, payload) {
    if (opcode === OP.PING) {
      this.sendFrame(OP.PONG, payload);
    } else if (opcode === OP.PONG) {
      this.alive = true;
    } else {
      // Close: echo the status code (if it is one a peer may send) and hang up.
      let code = CLOSE.NORMAL;
      if (payload.length === 1) {
        this.fail(CLOSE.PROTOCOL_ERROR, 'Invalid close frame');
        return;
      }
      if (payload.length >= 2) {
        const received = payload.readUInt16BE(0);
        const valid = (received >= 1000 && received <= 1014 && ![1004, 1005, 1006].includes(received)) ||
          (received >= 3000 && received <= 4999);
        if (!valid) {
          this.fail(CLOSE.PROTOCOL_ERROR, 'Invalid close code');
          return;
        }
        code = received;
      }
      this.close(code);
      this.socket.end();
    }
  }
}

/**
 * Tracks live connections, broadcasts to all of them, and pings each one
 * periodically: that keeps idle connections open through proxies and detects
 * peers that vanished without closing (laptop lid closed, network gone).
 */
class LiveHub {
  constructor({ heartbeatMs = 30_000 } = {}) {
    this.clients = new Set();
    this.timer = setInterval(() => this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  add(ws) {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
  }

  broadcast(value) {
    const text = JSON.stringify(value);
    for (const ws of this.clients) ws.send(text);
  }

  heartbeat() {
    for (const ws of this.clients) {
      if (!ws.alive) {
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }

  closeAll(code = CLOSE.GOING_AWAY, reason = 'Server is shutting down') {
    clearInterval(this.timer);
    for (const ws of this.clients) {
      ws.close(code, reason);
      ws.socket.end();
    }
  }
}

module.exports = { acceptWebSocket, rejectUpgrade, WebSocketConnection, LiveHub, CLOSE };
