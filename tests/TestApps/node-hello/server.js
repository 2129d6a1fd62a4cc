// A small Node.js app for the sandbox tests: proves the seccomp allow-list is enough for Node
// (V8, libuv thread pool, timers, crypto) and that the bridge carries HTTP both ways intact.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const port = Number(process.env.PORT || 8000);

const server = http.createServer((req, res) => {
  if (req.url === '/') {
    res.end('hello from node ' + process.version);
  } else if (req.url === '/echo' && req.method === 'POST') {
    // Echo the body with its hash so the test can check every byte crossed the bridge.
    const hash = crypto.createHash('sha256');
    const chunks = [];
    req.on('data', (chunk) => { hash.update(chunk); chunks.push(chunk); });
    req.on('end', () => {
      res.setHeader('x-sha256', hash.digest('hex'));
      res.end(Buffer.concat(chunks));
    });
  } else if (req.url === '/stream') {
    // A response written in pieces over time: the bridge must pass each piece on as it comes.
    let n = 0;
    const timer = setInterval(() => {
      res.write('chunk ' + n + '\n');
      if (++n === 5) { clearInterval(timer); res.end(); }
    }, 10);
  } else if (req.url === '/fs') {
    // The libuv thread pool and the grain's storage.
    fs.writeFileSync('/var/node.txt', 'persisted');
    fs.readFile('/var/node.txt', 'utf8', (err, data) => res.end(err ? 'error ' + err.code : data));
  } else if (req.url.startsWith('/say?text=')) {
    // Text the app both stores and prints: the encryption tests look for it on disk.
    const text = decodeURIComponent(req.url.slice('/say?text='.length));
    fs.writeFileSync('/var/said.txt', text);
    console.log('said: ' + text);
    res.end('ok');
  } else {
    res.statusCode = 404;
    res.end('not found');
  }
});

server.listen(port, '127.0.0.1', () => console.log('node listening on ' + port));
