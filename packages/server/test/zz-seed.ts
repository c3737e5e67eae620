import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { openStorage } from '../src/storage/index.ts';
import { STORAGE_LIMITS } from '../src/storage/storage.ts';
const file = '/tmp/scratch/big.db';
rmSync(file, { force: true });
const s = await openStorage(`sqlite:${file}`, STORAGE_LIMITS);
const r = await s.createRoom({
  uuid: randomUUID(),
  name: 'big',
  color: '#fff',
  created: new Date().toISOString(),
  drawing_uuid: randomUUID(),
});
const user = randomUUID();
for (;;) {
  const points = Array.from({ length: 24 }, () => Math.round(Math.random() * 1e7) / 1000);
  const put = await s.putLine(r.uuid, {
    uuid: randomUUID(),
    name: 'x',
    points,
    tool: 'pen',
    color: '#112233',
    user_uuid: user,
  });
  if (!put.ok) break;
}
await Promise.all(
  Array.from({ length: 50 }, () =>
    s.addMessage({
      uuid: randomUUID(),
      room_uuid: r.uuid,
      body: '\u0001'.repeat(10000),
      user: { uuid: user, name: 'n', room_uuid: r.uuid },
      created: new Date().toISOString(),
    }),
  ),
);
await s.close();
writeFileSync('/tmp/scratch/big.room', r.uuid);
