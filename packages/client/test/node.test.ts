import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFile } from '../src/node.ts';
import { chatServer, online, type ChatServer } from './helpers/server.ts';

let server: ChatServer;
let dir: string;

beforeAll(async () => {
  server = await chatServer();
  dir = mkdtempSync(join(tmpdir(), 'chat-token-'));
});
afterAll(async () => {
  await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('tokenFile', () => {
  it('reads nothing from a missing or empty file', () => {
    expect(tokenFile(join(dir, 'missing')).getItem('token')).toBeNull();
    writeFileSync(join(dir, 'empty'), '\n');
    expect(tokenFile(join(dir, 'empty')).getItem('token')).toBeNull();
  });

  it('keeps the token in a file only its owner reads, in a folder it makes', () => {
    const path = join(dir, 'deep', 'er', 'token');
    const store = tokenFile(path);
    store.setItem('token', 'secret-1');
    store.setItem('token', 'secret-2');
    expect(readFileSync(path, 'utf8')).toBe('secret-2\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(tokenFile(path).getItem('token')).toBe('secret-2');
  });

  it('brings a second client back as the same user', async () => {
    const path = join(dir, 'identity');
    const first = await online(server.url, { storage: tokenFile(path) });
    const uuid = first.client.user?.uuid;
    first.client.close();
    const second = await online(server.url, { storage: tokenFile(path) });
    expect(second.client.user?.uuid).toBe(uuid);
    second.client.close();
  });
});
