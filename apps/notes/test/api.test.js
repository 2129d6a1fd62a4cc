'use strict';
// HTTP API tests against the real server process.
// Run: node --test apps/notes/test/

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, request, EDITOR, EDITOR_BOB, VIEWER } = require('./helpers');

describe('notes HTTP API', () => {
  let server;
  let port;
  before(async () => {
    server = await startServer();
    port = server.port;
  });
  after(() => server.stop());

  const get = (path, headers = EDITOR) => request(port, 'GET', path, { headers });
  const post = (path, body, headers = EDITOR, opts = {}) => request(port, 'POST', path, { headers, body, ...opts });
  const put = (path, body, headers = EDITOR) => request(port, 'PUT', path, { headers, body });
  const del = (path, headers = EDITOR) => request(port, 'DELETE', path, { headers });

  describe('GET /api/whoami', () => {
    it('reports the Outpost headers as received, with the name percent-decoded', async () => {
      const res = await get('/api/whoami', { ...EDITOR, 'X-Outpost-Permissions': 'edit, admin ,' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, {
        userId: 'u-alice',
        userName: 'Alice Dupré',
        permissions: ['edit', 'admin'],
        sessionId: 's-alice',
      });
    });

    it('reports nulls and no permissions when the headers are absent', async () => {
      const res = await get('/api/whoami', {});
      assert.deepEqual(res.json, { userId: null, userName: null, permissions: [], sessionId: null });
    });

    it('keeps a malformed percent-encoding as-is instead of failing', async () => {
      const res = await get('/api/whoami', { ...EDITOR, 'X-Outpost-User-Name': 'Bad%E0%A4%A' });
      assert.equal(res.status, 200);
      assert.equal(res.json.userName, 'Bad%E0%A4%A');
    });

    it('ignores the dev identity in production', async () => {
      // startServer uses NODE_ENV=production; NOTES_DEV_USER is not set anyway.
      const res = await get('/api/whoami', {});
      assert.equal(res.json.userId, null);
    });
  });

  describe('notes CRUD', () => {
    let note;

    it('creates a note (201, Location, author recorded)', async () => {
      const res = await post('/api/notes', { title: 'Groceries', body: '- [ ] milk\n- [x] eggs' });
      assert.equal(res.status, 201);
      note = res.json;
      assert.match(note.id, /^[A-Za-z0-9_-]{12}$/);
      assert.equal(res.headers.location, `/api/notes/${note.id}`);
      assert.equal(note.title, 'Groceries');
      assert.equal(note.author, 'Alice Dupré');
      assert.equal(note.updatedBy, 'Alice Dupré');
      assert.equal(note.rev, 1);
      assert.equal(note.createdAt, note.updatedAt);
    });

    it('lists and fetches notes', async () => {
      const list = await get('/api/notes', VIEWER);
      assert.equal(list.status, 200);
      assert.ok(list.json.notes.some((n) => n.id === note.id));
      const one = await get(`/api/notes/${note.id}`, VIEWER);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json, note);
    });

    it('updates a note and records who changed it', async () => {
      const res = await put(`/api/notes/${note.id}`, { body: 'milk, eggs, bread', rev: 1 }, EDITOR_BOB);
      assert.equal(res.status, 200);
      assert.equal(res.json.title, 'Groceries');
      assert.equal(res.json.body, 'milk, eggs, bread');
      assert.equal(res.json.author, 'Alice Dupré');
      assert.equal(res.json.updatedBy, 'Bob');
      assert.equal(res.json.rev, 2);
      note = res.json;
    });

    it('refuses an update based on an old revision (409 with the current note)', async () => {
      const res = await put(`/api/notes/${note.id}`, { body: 'stale edit', rev: 1 });
      assert.equal(res.status, 409);
      assert.match(res.json.error, /changed by someone else/);
      assert.equal(res.json.note.rev, 2);
      assert.equal(res.json.note.body, 'milk, eggs, bread');
    });

    it('does not bump the revision when nothing changed', async () => {
      const res = await put(`/api/notes/${note.id}`, { title: 'Groceries' });
      assert.equal(res.status, 200);
      assert.equal(res.json.rev, 2);
    });

    it('normalizes control characters in titles and CRLF in bodies', async () => {
      const res = await post('/api/notes', { title: 'a\nb\tc', body: 'x\r\ny\rz' });
      assert.equal(res.status, 201);
      assert.equal(res.json.title, 'a b c');
      assert.equal(res.json.body, 'x\ny\nz');
      await del(`/api/notes/${res.json.id}`);
    });

    it('deletes a note (204), then 404s', async () => {
      const created = await post('/api/notes', { title: 'temp' });
      const res = await del(`/api/notes/${created.json.id}`);
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assert.equal((await get(`/api/notes/${created.json.id}`)).status, 404);
      assert.equal((await del(`/api/notes/${created.json.id}`)).status, 404);
      assert.equal((await put(`/api/notes/${created.json.id}`, { title: 'x' })).status, 404);
    });

    it('answers 405 with Allow for unsupported methods', async () => {
      const res = await request(port, 'PATCH', '/api/notes', { headers: EDITOR });
      assert.equal(res.status, 405);
      assert.equal(res.headers.allow, 'GET, POST');
    });
  });

  describe('permissions', () => {
    it('refuses create/update/delete/import without the edit permission (403 JSON)', async () => {
      const { json: note } = await post('/api/notes', { title: 'mine' });
      for (const headers of [VIEWER, {}, { ...VIEWER, 'X-Outpost-Permissions': 'editor,view' }]) {
        const attempts = [
          await post('/api/notes', { title: 'nope' }, headers),
          await put(`/api/notes/${note.id}`, { title: 'nope' }, headers),
          await del(`/api/notes/${note.id}`, headers),
          await post('/api/import', { notes: [] }, headers),
        ];
        for (const res of attempts) {
          assert.equal(res.status, 403);
          assert.match(res.headers['content-type'], /^application\/json/);
          assert.match(res.json.error, /permission/);
        }
      }
      assert.equal((await get(`/api/notes/${note.id}`, VIEWER)).json.title, 'mine');
    });

    it('lets viewers read and export', async () => {
      assert.equal((await get('/api/notes', VIEWER)).status, 200);
      assert.equal((await get('/api/export', VIEWER)).status, 200);
    });
  });

  describe('input validation', () => {
    it('requires a JSON content type (415)', async () => {
      const res = await post('/api/notes', 'title=x', EDITOR, { contentType: 'application/x-www-form-urlencoded' });
      assert.equal(res.status, 415);
      const plain = await post('/api/notes', '{"title":"x"}', EDITOR, { contentType: 'text/plain' });
      assert.equal(plain.status, 415);
    });

    it('rejects malformed JSON, wrong shapes and wrong types (400)', async () => {
      const cases = [
        ['{"title":', /not valid JSON/],
        ['[]', /JSON object/],
        ['"hello"', /JSON object/],
        ['null', /JSON object/],
        ['{"title": 5}', /title must be a string/],
        ['{"body": ["x"]}', /body must be a string/],
        [JSON.stringify({ title: 'x'.repeat(301) }), /title must be at most 300/],
        [JSON.stringify({ body: 'x'.repeat(200_001) }), /body must be at most 200000/],
      ];
      for (const [body, pattern] of cases) {
        const res = await post('/api/notes', body);
        assert.equal(res.status, 400, body.slice(0, 40));
        assert.match(res.json.error, pattern);
      }
      const { json: note } = await post('/api/notes', { title: 'v' });
      assert.match((await put(`/api/notes/${note.id}`, {})).json.error, /Nothing to update/);
      assert.match((await put(`/api/notes/${note.id}`, { title: 'a', rev: 'one' })).json.error, /rev must be/);
    });

    it('rejects invalid UTF-8 (400)', async () => {
      const res = await post('/api/notes', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
      assert.equal(res.status, 400);
      assert.match(res.json.error, /UTF-8/);
    });

    it('rejects oversized bodies (413)', async () => {
      const res = await post('/api/notes', JSON.stringify({ body: 'x'.repeat(3 * 1024 * 1024) }));
      assert.equal(res.status, 413);
      assert.match(res.json.error, /larger than 2 MiB/);
    });

    it('does not copy unknown fields such as __proto__ or id', async () => {
      const res = await post('/api/notes', '{"title":"p","__proto__":{"polluted":1},"id":"chosen","author":"Mallory","rev":99}');
      assert.equal(res.status, 201);
      assert.notEqual(res.json.id, 'chosen');
      assert.equal(res.json.author, 'Alice Dupré');
      assert.equal(res.json.rev, 1);
      assert.equal(res.json.polluted, undefined);
    });

    it('404s unknown API paths as JSON and plain GETs of /api/live with 426', async () => {
      const res = await get('/api/nope');
      assert.equal(res.status, 404);
      assert.equal(res.json.error, 'Not found');
      const live = await get('/api/live');
      assert.equal(live.status, 426);
    });
  });

  describe('export and import', () => {
    it('exports every note as a JSON attachment', async () => {
      const res = await get('/api/export');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /^application\/json/);
      assert.match(res.headers['content-disposition'], /^attachment; filename="notes-\d{4}-\d{2}-\d{2}\.json"$/);
      assert.equal(res.json.format, 'outpost-notes');
      assert.equal(res.json.version, 1);
      const list = await get('/api/notes');
      assert.deepEqual(res.json.notes.map((n) => n.id).sort(), list.json.notes.map((n) => n.id).sort());
    });

    it('rejects hostile or malformed imports with a clear 400', async () => {
      const cases = [
        ['not json', /not valid JSON/],
        ['42', /exported notes file/],
        ['{"format":"evil","notes":[]}', /Unsupported format/],
        ['{"version":2,"notes":[]}', /Unsupported version/],
        ['{"notes":"x"}', /"notes" array/],
        ['{"notes":[1]}', /notes\[0\] must be an object/],
        ['{"notes":[{"title":"ok"},{"title":{"$gt":""}}]}', /notes\[1\]\.title must be a string/],
        ['{"notes":[{"id":"../../etc/passwd"}]}', /notes\[0\]\.id must be/],
        ['{"notes":[{"id":"a"},{"id":"a"}]}', /appears more than once/],
        ['{"notes":[{"updatedAt":"yesterday"}]}', /not a valid date/],
        ['{"notes":[{"author":"' + 'x'.repeat(201) + '"}]}', /author must be at most 200/],
        [JSON.stringify({ notes: Array.from({ length: 10_001 }, () => ({})) }), /Too many notes/],
        ['['.repeat(100_000) + ']'.repeat(100_000), /.+/],
      ];
      const before = (await get('/api/notes')).json.notes.length;
      for (const [body, pattern] of cases) {
        const res = await post('/api/import', body);
        assert.equal(res.status, 400, body.slice(0, 40));
        assert.match(res.json.error, pattern);
      }
      assert.equal((await get('/api/notes')).json.notes.length, before, 'failed imports change nothing');
    });

    it('round-trips an export: re-importing changes nothing, newer copies win', async () => {
      const exported = (await get('/api/export')).json;
      const again = await post('/api/import', exported);
      assert.equal(again.status, 200);
      assert.equal(again.json.added, 0);
      assert.equal(again.json.updated, 0);
      assert.equal(again.json.unchanged, exported.notes.length);

      const target = exported.notes[0];
      const newer = { ...target, body: 'from backup', updatedAt: new Date(Date.now() + 60_000).toISOString() };
      const fresh = { title: 'Imported without id', body: 'hello' };
      const res = await post('/api/import', [newer, fresh]);
      assert.equal(res.status, 200);
      assert.deepEqual({ added: res.json.added, updated: res.json.updated }, { added: 1, updated: 1 });
      assert.equal((await get(`/api/notes/${target.id}`)).json.body, 'from backup');
    });
  });

  describe('static files and headers', () => {
    it('serves the app with security headers', async () => {
      const res = await get('/', {});
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /^text\/html/);
      assert.match(res.headers['content-security-policy'], /default-src 'self'/);
      assert.match(res.headers['content-security-policy'], /connect-src 'self' ws: wss:/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.text, /<script type="module" src="app.js">/);
    });

    it('serves scripts, styles and the icon with the right types, and 304s on ETag', async () => {
      const types = { '/app.js': /^text\/javascript/, '/markdown.js': /^text\/javascript/, '/style.css': /^text\/css/, '/icon.svg': /^image\/svg\+xml/ };
      for (const [path, type] of Object.entries(types)) {
        const res = await get(path, {});
        assert.equal(res.status, 200, path);
        assert.match(res.headers['content-type'], type);
        const again = await request(port, 'GET', path, { headers: { 'If-None-Match': res.headers.etag } });
        assert.equal(again.status, 304);
      }
    });

    it('serves nothing outside the front-end files', async () => {
      for (const path of ['/server.js', '/lib/store.js', '/../server.js', '/%2e%2e/server.js', '/outpost.json', '/public/app.js']) {
        assert.equal((await get(path, {})).status, 404, path);
      }
      assert.match((await get('/api/notes')).headers['content-security-policy'], /default-src 'self'/);
    });
  });
});

describe('standalone development identity', () => {
  it('NOTES_DEV_USER grants edit to requests without Outpost headers, outside production only', async () => {
    const dev = await startServer({ env: { NODE_ENV: 'development', NOTES_DEV_USER: 'Dev Person' } });
    try {
      const me = await request(dev.port, 'GET', '/api/whoami');
      assert.deepEqual(me.json, { userId: 'dev', userName: 'Dev Person', permissions: ['edit'], sessionId: 'dev' });
      const created = await request(dev.port, 'POST', '/api/notes', { body: { title: 'dev' } });
      assert.equal(created.status, 201);
      assert.equal(created.json.author, 'Dev Person');
      // Any Outpost header present: the headers win, so roles can still be tested.
      const viewer = await request(dev.port, 'POST', '/api/notes', { headers: VIEWER, body: { title: 'x' } });
      assert.equal(viewer.status, 403);
      assert.match(dev.output(), /NOTES_DEV_USER is set/);
    } finally {
      await dev.stop();
    }

    const prod = await startServer({ env: { NODE_ENV: 'production', NOTES_DEV_USER: 'Dev Person' } });
    try {
      assert.equal((await request(prod.port, 'GET', '/api/whoami')).json.userId, null);
      assert.equal((await request(prod.port, 'POST', '/api/notes', { body: { title: 'x' } })).status, 403);
    } finally {
      await prod.stop();
    }
  });

  it('routes absolute-form request targets', async () => {
    const server = await startServer();
    try {
      const res = await request(server.port, 'GET', `http://127.0.0.1:${server.port}/api/whoami?x=1`, { headers: EDITOR });
      assert.equal(res.status, 200);
      assert.equal(res.json.userId, 'u-alice');
    } finally {
      await server.stop();
    }
  });
});
