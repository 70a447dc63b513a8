/**
 * The baseline server: Node's http module that reads each body, parses it as
 * JSON (like nines must) and answers 202, or answers GETs with a fixed payload.
 * node bench/bare-server.js PORT [GET_PAYLOAD_FILE]
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

const port = Number(process.argv[2]);
const payload = process.argv[3] ? readFileSync(process.argv[3]) : Buffer.from('{}');
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(payload);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accepted: Array.isArray(parsed.events) ? parsed.events.length : 0 }));
  });
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
