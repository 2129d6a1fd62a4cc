'use strict';
// The JSON API under /api/. Reads are open to everyone who can open the grain;
// anything that changes notes requires the `edit` permission.

const { HttpError, sendJson, readJson } = require('./http');
const { StoreError, FORMAT, FORMAT_VERSION } = require('./store');
const { canEdit, displayName } = require('./identity');

const NOTE_BODY_LIMIT = 2 * 1024 * 1024; // a maximal note JSON-encodes well under this
const IMPORT_BODY_LIMIT = 40 * 1024 * 1024; // above the 32 MiB notebook limit, so any export imports

const STORE_STATUS = { invalid: 400, not_found: 404, conflict: 409, full: 507 };

function requireEdit(identity) {
  if (!canEdit(identity)) {
    throw new HttpError(403, 'You do not have permission to edit notes in this notebook');
  }
}

function methodNotAllowed(allowed) {
  return new HttpError(405, `Method not allowed; use ${allowed.join(', ')}`, undefined, { Allow: allowed.join(', ') });
}

/** Streams the notebook as a download, note by note, honouring backpressure. */
async function streamExport(res, notes) {
  const date = new Date().toISOString().slice(0, 10);
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="notes-${date}.json"`,
    'Cache-Control': 'no-store',
  });
  const write = (chunk) =>
    res.write(chunk) ? Promise.resolve() : new Promise((resolve) => res.once('drain', resolve));
  await write(`{"format":${JSON.stringify(FORMAT)},"version":${FORMAT_VERSION},` +
    `"exportedAt":${JSON.stringify(new Date().toISOString())},"notes":[\n`);
  // `notes` is a snapshot array of immutable objects, so edits made while
  // streaming can't produce a half-updated export.
  for (let i = 0; i < notes.length; i++) {
    if (res.destroyed) return;
    await write((i ? ',\n' : '') + JSON.stringify(notes[i]));
  }
  res.end('\n]}\n');
}

function createApi({ store, resolveIdentity }) {
  async function handle(req, res, pathname) {
    const identity = resolveIdentity(req);
    const method = req.method === 'HEAD' ? 'GET' : req.method;

    if (pathname === '/api/whoami') {
      if (method !== 'GET') throw methodNotAllowed(['GET']);
      sendJson(res, 200, identity);
      return;
    }

    if (pathname === '/api/notes') {
      if (method === 'GET') {
        sendJson(res, 200, { notes: await store.list() });
      } else if (method === 'POST') {
        requireEdit(identity);
        const input = await readJson(req, NOTE_BODY_LIMIT);
        const note = await store.create(input, displayName(identity));
        sendJson(res, 201, note, { Location: `/api/notes/${note.id}` });
      } else {
        throw methodNotAllowed(['GET', 'POST']);
      }
      return;
    }

    const match = /^\/api\/notes\/([^/]+)$/.exec(pathname);
    if (match) {
      const id = match[1];
      if (method === 'GET') {
        sendJson(res, 200, await store.get(id));
      } else if (method === 'PUT') {
        requireEdit(identity);
        const input = await readJson(req, NOTE_BODY_LIMIT);
        sendJson(res, 200, await store.update(id, input, displayName(identity)));
      } else if (method === 'DELETE') {
        requireEdit(identity);
        await store.remove(id);
        res.writeHead(204, { 'Cache-Control': 'no-store' });
        res.end();
      } else {
        throw methodNotAllowed(['GET', 'PUT', 'DELETE']);
      }
      return;
    }

    if (pathname === '/api/export') {
      if (method !== 'GET') throw methodNotAllowed(['GET']);
      const notes = [...(await store.list())];
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end();
        return;
      }
      await streamExport(res, notes);
      return;
    }

    if (pathname === '/api/import') {
      if (method !== 'POST') throw methodNotAllowed(['POST']);
      requireEdit(identity);
      const doc = await readJson(req, IMPORT_BODY_LIMIT);
      sendJson(res, 200, await store.importNotes(doc));
      return;
    }

    if (pathname === '/api/live') {
      // Reached only by plain requests; real WebSocket handshakes arrive on the
      // server's 'upgrade' event instead.
      throw new HttpError(426, 'This endpoint only speaks WebSocket', undefined, { Upgrade: 'websocket', Connection: 'Upgrade' });
    }

    throw new HttpError(404, 'Not found');
  }

  /** Wraps handle() so store errors become the matching HTTP status. */
  return async function api(req, res, pathname) {
    try {
      await handle(req, res, pathname);
    } catch (err) {
      if (err instanceof StoreError) {
        throw new HttpError(STORE_STATUS[err.code] || 500, err.message, err.details);
      }
      throw err;
    }
  };
}

module.exports = { createApi, NOTE_BODY_LIMIT, IMPORT_BODY_LIMIT };
