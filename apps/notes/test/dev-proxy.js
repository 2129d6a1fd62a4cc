'use strict';
// A stand-in for the Outpost proxy, for development and tests: forwards HTTP
// and WebSocket traffic to the app, removing any X-Outpost-* headers the
// client sent and adding its own, like the real proxy does.
//
//   node apps/notes/test/dev-proxy.js --target 8123 --listen 8200 \
//        --user "Alice Dupré" --permissions edit
//
// Then open http://127.0.0.1:8200/. Use --permissions "" for a viewer.

const http = require('node:http');
const net = require('node:net');
const { parseArgs } = require('node:util');

const { values: opts } = parseArgs({
  options: {
    target: { type: 'string', default: '8000' },
    listen: { type: 'string', default: '8200' },
    user: { type: 'string', default: 'Dev User' },
    'user-id': { type: 'string', default: 'dev-user' },
    permissions: { type: 'string', default: 'edit' },
    session: { type: 'string', default: 'dev-session' },
  },
});

const target = Number(opts.target);

function forwardHeaders(incoming) {
  const headers = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (!name.startsWith('x-outpost-')) headers[name] = value; // the client can't forge identity
  }
  headers['x-outpost-user-id'] = opts['user-id'];
  headers['x-outpost-user-name'] = encodeURIComponent(opts.user);
  headers['x-outpost-permissions'] = opts.permissions;
  headers['x-outpost-session-id'] = opts.session;
  return headers;
}

const server = http.createServer((req, res) => {
  const upstream = http.request(
    { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: forwardHeaders(req.headers) },
    (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end('App is not reachable\n');
  });
  req.pipe(upstream);
});

// WebSockets: replay the handshake upstream, then splice the two sockets.
server.on('upgrade', (req, socket, head) => {
  const upstream = net.connect(target, '127.0.0.1', () => {
    const headers = forwardHeaders(req.headers);
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
});

server.listen(Number(opts.listen), '127.0.0.1', () => {
  console.log(`dev-proxy: http://127.0.0.1:${opts.listen} -> 127.0.0.1:${target} as ${opts.user} [${opts.permissions}]`);
});
