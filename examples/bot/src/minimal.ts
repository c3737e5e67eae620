import WebSocket from 'ws';
import { ChatClient, retryRateLimited, roomsNamed } from '@chat/client';
import { tokenFile } from '@chat/client/node';

const [url = 'ws://localhost:9000', roomName = 'Lobby'] = process.argv.slice(2);

const client = new ChatClient({
  url,
  WebSocket, // Node 20 has no WebSocket of its own: the ws package's
  storage: tokenFile('.ping-bot-token'), // the same user on every run
});

client.on('message_created', ({ object: message }, { own }) => {
  // its own messages come back to it too: never answer those
  if (own || message.user.uuid === client.user?.uuid) return;
  if (message.body.trim() !== '!ping') return;
  const body = `pong, ${message.user.name}`;
  retryRateLimited(() => client.request('create_message', { body })).catch((err: unknown) =>
    console.error('not sent:', err),
  );
});
client.on('state', (state) => console.log('connection:', state));

client.connect(); // calls made before it is online wait, and go out in order
const [found] = await roomsNamed(client, roomName);
const room = found ?? (await client.request('create_room', { name: roomName })).object;
await client.enterRoom(room.uuid); // and again after every reconnect, by the client
console.log(`in ${room.name}; Ctrl-C stops`);
process.once('SIGINT', () => client.close());
