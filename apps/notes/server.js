'use strict';
// Outpost Notes: entry point.
//
// One process serves one grain (one notebook). The Outpost proxy forwards the
// browser's requests to 127.0.0.1:$PORT with identity headers attached; notes
// are stored in $DATA_DIR (the grain's private /var).
//
// Startup does as little as possible, because the platform starts grains on
// demand and measures cold start: only core modules are loaded, and the data
// file and front-end files are read on first use, after we're listening.

const http = require('node:http');
const { NoteStore } = require('./lib/store');
const { createApi } = require('./lib/api');
const { createStaticHandler } = require('./lib/static');
const { createResolver } = require('./lib/identity');
const { acceptWebSocket, rejectUpgrade, LiveHub } = require('./lib/websocket');
const { HttpError, setSecurityHeaders, sendError, splitTarget } = require('./lib/http');

const env = process.env;
const PORT = Number.parseInt(env.PORT || '8000', 10);
const HOST = '127.0.0.1'; // the proxy connects over loopback; never listen wider
const DATA_DIR = env.DATA_DIR || '/var';
const PRODUCTION = env.NODE_ENV === 'production';

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error(`notes: invalid PORT ${JSON.stringify(env.PORT)}`);
  process.exit(2);
}

const store = new NoteStore(DATA_DIR);
const identity = createResolver(env);
const api = createApi({ store, resolveIdentity: (req) => identity.resolve(req) });
const serveStatic = createStaticHandler({ cache: PRODUCTION });
const hub = new LiveHub();

// Every connected browser refreshes when any note changes. `id` is null when
// many notes changed at once (an import).
store.on('change', (id) => hub.broadcast({ type: 'changed', id }));

const server = http.createServer(async (req, res) => {
  setSecurityHeaders(res);
  const [pathname] = splitTarget(req.url || '/');
  try {
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      await api(req, res, pathname);
    } else if (!(await serveStatic(req, res, pathname))) {
      throw new HttpError(404, 'Not found');
    }
  } catch (err) {
    if (!(err instanceof HttpError)) console.error(`notes: ${req.method} ${pathname}:`, err);
    sendError(res, err);
  }
});

server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => socket.destroy());
  const [pathname] = splitTarget(req.url || '/');
  if (pathname !== '/api/live') {
    rejectUpgrade(socket, 404, 'Not found');
    return;
  }
  const ws = acceptWebSocket(req, socket, head);
  if (!ws) return;
  hub.add(ws);
  ws.on('message', (text) => {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      ws.sendJson({ type: 'error', error: 'Messages must be JSON' });
      return;
    }
    // Echo service: lets tests (and the client's connection check) prove a
    // WebSocket round trip works end to end through the Outpost proxy.
    if (msg && msg.type === 'ping') ws.sendJson({ type: 'pong', data: msg.data });
  });
});

server.on('clientError', (err, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});

server.listen(PORT, HOST, () => {
  console.log(`notes: listening on http://${HOST}:${PORT}, data in ${DATA_DIR}`);
  if (identity.devMode) {
    console.warn('notes: NOTES_DEV_USER is set: requests without Outpost headers get full edit rights');
  }
  // Warm the notebook now that we can already answer requests.
  store.ready().catch((err) => console.error('notes: could not load notes:', err));
});

// The platform stops idle grains with SIGTERM: finish any write in progress,
// tell live clients we're going away, then exit.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`notes: ${signal}, shutting down`);
  server.close();
  hub.closeAll();
  setTimeout(() => process.exit(0), 5000).unref();
  store.idle().then(() => process.exit(0));
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
