import { readFileSync } from 'node:fs';
import { TestClient } from './helpers/client.ts';
const url = process.argv[2]!;
const room = readFileSync('/tmp/scratch/big.room', 'utf8');
const cs = await Promise.all(
  Array.from({ length: 10 }, () => TestClient.connect(url, { localAddress: '127.0.0.3' })),
);
const t = performance.now();
for (const c of cs) c.call('enter_room', { uuid: room });
await Promise.all(cs.map((c) => c.next('drawing_got', undefined, 20000)));
console.log('entered in', performance.now() - t);
await Promise.all(cs.map((c) => c.close()));
