'use strict';
// WebSocket tests with hand-built frames, so the server's RFC 6455 handling is
// checked byte for byte rather than through a library that might paper over bugs.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, request, wsConnect, encodeClientFrame, expectedAccept, EDITOR } = require('./helpers');

const OP = { CONT: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 };

describe('live updates over WebSocket', () => {
  let server;
  let port;
  before(async () => {
    server = await startServer();
    port = server.port;
  });
  after(() => server.stop());

  it('completes the RFC 6455 handshake', async () => {
    const ws = await wsConnect(port, { headers: EDITOR });
    assert.equal(ws.status, 101);
    assert.equal(ws.headers.upgrade.toLowerCase(), 'websocket');
    assert.equal(ws.headers.connection.toLowerCase(), 'upgrade');
    assert.equal(ws.headers['sec-websocket-accept'], expectedAccept(ws.key));
    assert.equal(ws.headers['sec-websocket-extensions'], undefined);
    ws.close();
  });

  it('matches the RFC 6455 sample key', async () => {
    const ws = await wsConnect(port, { key: 'dGhlIHNhbXBsZSBub25jZQ==' });
    assert.equal(ws.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    ws.close();
  });

  it('echoes {"type":"ping"} as {"type":"pong"} with the same data', async () => {
    const ws = await wsConnect(port);
    const data = { n: 42, s: 'héllo ✓', nested: [1, { a: null }] };
    ws.sendJson({ type: 'ping', data });
    assert.deepEqual(await ws.nextJson(), { type: 'pong', data });
    // A large message: 16-bit extended length in both directions.
    const big = 'x'.repeat(60_000);
    ws.sendJson({ type: 'ping', data: big });
    assert.deepEqual(await ws.nextJson(), { type: 'pong', data: big });
    ws.close();
  });

  it('answers protocol-level pings with pongs carrying the same payload', async () => {
    const ws = await wsConnect(port);
    ws.send(OP.PING, 'are you there');
    const frame = await ws.nextFrame();
    assert.equal(frame.opcode, OP.PONG);
    assert.equal(frame.masked, false, 'server frames are never masked');
    assert.equal(frame.payload.toString(), 'are you there');
    ws.close();
  });

  it('reassembles fragmented messages, with a control frame in between', async () => {
    const ws = await wsConnect(port);
    const text = JSON.stringify({ type: 'ping', data: 'fragmented ✓' });
    const bytes = Buffer.from(text);
    ws.send(OP.TEXT, bytes.subarray(0, 5), { fin: false });
    ws.send(OP.PING, 'mid');
    ws.send(OP.CONT, bytes.subarray(5, 20), { fin: false });
    ws.send(OP.CONT, bytes.subarray(20), { fin: true });
    const pong = await ws.nextFrame();
    assert.equal(pong.opcode, OP.PONG);
    assert.deepEqual(await ws.nextJson(), { type: 'pong', data: 'fragmented ✓' });
    ws.close();
  });

  it('handles frames split across TCP writes and several frames in one write', async () => {
    const ws = await wsConnect(port);
    const a = encodeClientFrame(OP.TEXT, JSON.stringify({ type: 'ping', data: 1 }));
    const b = encodeClientFrame(OP.TEXT, JSON.stringify({ type: 'ping', data: 2 }));
    const both = Buffer.concat([a, b]);
    ws.sendRaw(both.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 30));
    ws.sendRaw(both.subarray(3));
    assert.deepEqual(await ws.nextJson(), { type: 'pong', data: 1 });
    assert.deepEqual(await ws.nextJson(), { type: 'pong', data: 2 });
    ws.close();
  });

  it('broadcasts {"type":"changed","id"} to every client when a note changes', async () => {
    const a = await wsConnect(port);
    const b = await wsConnect(port);
    // Round trip first so both connections are registered before the change.
    a.sendJson({ type: 'ping' });
    b.sendJson({ type: 'ping' });
    await a.nextJson();
    await b.nextJson();

    const created = await request(port, 'POST', '/api/notes', { headers: EDITOR, body: { title: 'live' } });
    assert.deepEqual(await a.nextJson(), { type: 'changed', id: created.json.id });
    assert.deepEqual(await b.nextJson(), { type: 'changed', id: created.json.id });

    await request(port, 'DELETE', `/api/notes/${created.json.id}`, { headers: EDITOR });
    assert.deepEqual(await a.nextJson(), { type: 'changed', id: created.json.id });
    a.close();
    b.close();
  });

  it('completes the closing handshake, echoing the status code', async () => {
    const ws = await wsConnect(port);
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(1000);
    ws.send(OP.CLOSE, payload);
    const frame = await ws.nextFrame();
    assert.equal(frame.opcode, OP.CLOSE);
    assert.equal(frame.payload.readUInt16BE(0), 1000);
    assert.equal(await ws.nextFrame(), null, 'server closes the TCP connection');
  });

  async function expectClose(ws, code) {
    const frame = await ws.nextFrame();
    assert.ok(frame, 'expected a close frame');
    assert.equal(frame.opcode, OP.CLOSE);
    assert.equal(frame.payload.readUInt16BE(0), code);
    assert.equal(await ws.nextFrame(), null);
  }

  it('closes with 1002 on unmasked client frames', async () => {
    const ws = await wsConnect(port);
    ws.send(OP.TEXT, '{"type":"ping"}', { mask: false });
    await expectClose(ws, 1002);
  });

  it('closes with 1002 on reserved bits, unknown opcodes and stray continuations', async () => {
    for (const raw of [
      (() => { const f = encodeClientFrame(OP.TEXT, 'x'); f[0] |= 0x40; return f; })(),
      encodeClientFrame(0x3, 'x'),
      encodeClientFrame(OP.CONT, 'x'),
      encodeClientFrame(OP.PING, 'x', { fin: false }),
    ]) {
      const ws = await wsConnect(port);
      ws.sendRaw(raw);
      await expectClose(ws, 1002);
    }
  });

  it('closes with 1007 on invalid UTF-8 text', async () => {
    const ws = await wsConnect(port);
    ws.send(OP.TEXT, Buffer.from([0xc3, 0x28]));
    await expectClose(ws, 1007);
  });

  it('closes with 1009 on messages over 64 KiB, before receiving them', async () => {
    const ws = await wsConnect(port);
    // Only the header, announcing 1 GiB: rejected without waiting for the data.
    const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]);
    ws.sendRaw(header);
    await expectClose(ws, 1009);
  });

  it('replies to non-JSON text with an error message and stays open', async () => {
    const ws = await wsConnect(port);
    ws.send(OP.TEXT, 'hello?');
    assert.equal((await ws.nextJson()).type, 'error');
    ws.sendJson({ type: 'ping', data: 'still here' });
    assert.deepEqual(await ws.nextJson(), { type: 'pong', data: 'still here' });
    ws.close();
  });

  it('rejects bad handshakes with HTTP errors', async () => {
    const badKey = await wsConnect(port, { key: 'short' });
    assert.equal(badKey.status, 400);
    const wrongPath = await wsConnect(port, { path: '/api/notes' });
    assert.equal(wrongPath.status, 404);
    const versioned = await wsConnect(port, { headers: { 'Sec-WebSocket-Version': '8' } });
    // Our helper sends version 13 first; a duplicate header makes it "13, 8", which is not 13.
    assert.equal(versioned.status, 426);
    assert.equal(versioned.headers['sec-websocket-version'], '13');
  });
});
