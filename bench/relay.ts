/**
 * The floor: a plain WebSocket relay that forwards every frame to the other sockets on the same
 * path, with no parsing, no document and no storage. Nothing a real server could beat.
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const server = http.createServer((_req, res) => res.end('relay'));
const wss = new WebSocketServer({ server, maxPayload: 8 * 1024 * 1024 });

wss.on('connection', (ws, req) => {
  const key = req.url ?? '/';
  let room = rooms.get(key);
  if (!room) rooms.set(key, (room = new Set()));
  room.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const peer of room) if (peer !== ws && peer.readyState === 1) peer.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    room.delete(ws);
    if (room.size === 0) rooms.delete(key);
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`relay listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
