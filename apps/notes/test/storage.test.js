'use strict';
// Persistence tests: data survives restarts, kill -9 never leaves a torn file,
// and a damaged file is set aside rather than overwritten.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, request, tempDir, wsConnect, EDITOR } = require('./helpers');

describe('storage', () => {
  it('keeps notes across restarts and writes them with private permissions', async () => {
    const dataDir = tempDir();
    let server = await startServer({ dataDir });
    const created = await request(server.port, 'POST', '/api/notes', { headers: EDITOR, body: { title: 'persist', body: 'ünïcödé ✓ 🎉' } });
    await server.stop();

    const file = path.join(dataDir, 'notes.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dataDir), ['notes.json'], 'no temp files left behind');

    server = await startServer({ dataDir });
    const res = await request(server.port, 'GET', `/api/notes/${created.json.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, created.json);
    await server.stop();
  });

  it('never leaves a torn notes.json when killed with SIGKILL mid-write, and keeps every acknowledged note', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'notes.json');
    const acknowledged = new Set();
    let cutOff = 0;
    for (let round = 0; round < 6; round++) {
      const server = await startServer({ dataDir });
      // Large notes make each rewrite take a while, so the kill lands mid-write.
      const body = `${'lorem ipsum '.repeat(15_000)}${round}`;
      const inFlight = [];
      for (let i = 0; i < 40; i++) {
        const title = `r${round}-${i}`;
        inFlight.push(request(server.port, 'POST', '/api/notes', { headers: EDITOR, body: { title, body } })
          .then((res) => (res.status === 201 ? acknowledged.add(title) : cutOff++), () => cutOff++));
      }
      await new Promise((r) => setTimeout(r, 30 + round * 15));
      await server.stop('SIGKILL');
      await Promise.all(inFlight);
      if (fs.existsSync(file)) {
        const doc = JSON.parse(fs.readFileSync(file, 'utf8')); // throws if torn
        assert.equal(doc.format, 'outpost-notes');
        const titles = new Set(doc.notes.map((n) => n.title));
        for (const title of acknowledged) assert.ok(titles.has(title), `acknowledged note ${title} was lost`);
      }
    }
    assert.ok(acknowledged.size > 0 && cutOff > 0, 'the kill should land while writes are in progress');
    // And the server starts cleanly on whatever was left, including a stale .tmp.
    const server = await startServer({ dataDir });
    const res = await request(server.port, 'GET', '/api/notes');
    assert.equal(res.status, 200);
    assert.equal(res.json.notes.length >= acknowledged.size, true);
    await server.stop();
  });

  it('moves an unreadable notes.json aside instead of overwriting it', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'notes.json'), '{ this is not json');
    const server = await startServer({ dataDir });
    const res = await request(server.port, 'GET', '/api/notes');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.notes, []);
    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('notes.json.unreadable-'));
    assert.equal(aside.length, 1);
    assert.equal(fs.readFileSync(path.join(dataDir, aside[0]), 'utf8'), '{ this is not json');
    await server.stop();
  });

  it('answers 500 (not a crash) when a write fails, and keeps state unchanged', async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir });
    // A directory where the temp file should go makes every write fail, even as root.
    fs.mkdirSync(path.join(dataDir, 'notes.json.tmp'));
    try {
      const res = await request(server.port, 'POST', '/api/notes', { headers: EDITOR, body: { title: 'x' } });
      assert.equal(res.status, 500);
      assert.equal(res.json.error, 'Internal server error');
      assert.deepEqual((await request(server.port, 'GET', '/api/notes')).json.notes, []);
      fs.rmdirSync(path.join(dataDir, 'notes.json.tmp'));
      const retry = await request(server.port, 'POST', '/api/notes', { headers: EDITOR, body: { title: 'x' } });
      assert.equal(retry.status, 201);
    } finally {
      await server.stop();
    }
  });

  it('starts quickly and shuts down cleanly on SIGTERM, closing live clients with 1001', async () => {
    const server = await startServer();
    assert.ok(server.startupMs < 1500, `startup took ${server.startupMs} ms`);
    const ws = await wsConnect(server.port);
    ws.sendJson({ type: 'ping' });
    await ws.nextJson();
    const exited = new Promise((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    const frame = await ws.nextFrame();
    assert.equal(frame.opcode, 8);
    assert.equal(frame.payload.readUInt16BE(0), 1001);
    assert.equal(await exited, 0);
  });
});
