import { readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { next } from '../../client/test/helpers/server.ts';
import { BIN, chatServer, connectedAs, said, scratch } from './helpers.ts';

const chat = chatServer();
let home: string;

beforeAll(() => {
  home = scratch();
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

/** chat-cli with these arguments. */
const chatCli = (args: string[]) => chat.spawn([BIN, ...args], home);

/** chat-cli with its own identity file (named `who` in the test's folder). */
const cli = (who: string, ...args: string[]) => chatCli(['--identity', join(home, who), ...args]);

const client = () => chat.client();

async function room(name: string): Promise<string> {
  const c = await client();
  return (await c.request('create_room', { name })).object.uuid;
}

describe('the command line', () => {
  it('--help shows the options and the commands; --version the version', async () => {
    const help = chatCli(['--help']);
    const version = chatCli(['--version']);
    await expect(help.exited).resolves.toBe(0);
    const text = help.lines.out.join('\n');
    expect(text).toMatch(/^Usage: chat-cli \[options\] <url>/);
    for (const word of ['--room', '--name', '--identity', '--no-color', '/rename NAME', '/quit']) {
      expect(text).toContain(word);
    }
    await expect(version.exited).resolves.toBe(0);
    expect(version.lines.out).toEqual(['1.0.0']);
  });

  it('refuses a bad URL, a missing one and an unknown option: a message on stderr, exit 2', async () => {
    const cases = [['not a url'], ['ftp://example.org'], [], [chat.server.url, '--colour']];
    const runs = cases.map(chatCli);
    for (const run of runs) await expect(run.exited).resolves.toBe(2);
    expect(runs.map((r) => r.lines.err[0])).toEqual([
      expect.stringMatching(/invalid for argument 'url'\. Not a URL: give the server as ws:/),
      expect.stringMatching(/ftp: is not a server address: use ws:\/\/, wss:\/\/, http/),
      "error: missing required argument 'url'",
      "error: unknown option '--colour'",
    ]);
    for (const run of runs) expect(run.lines.out).toEqual([]);
  });

  it('gives up with exit 1 when nothing answers at the address', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));
    const run = cli('nobody', `ws://127.0.0.1:${port}`, '--connect-timeout', '1');
    await expect(run.exited).resolves.toBe(1);
    expect(run.lines.err).toEqual([
      `error: could not connect to ws://127.0.0.1:${port} within 1 s`,
    ]);
  });
});

describe('against a server', () => {
  it('two terminals: each prints what the other sends, the history on entry, who comes and goes', async () => {
    const alice = cli('alice', chat.server.url, '--name', 'alice');
    await alice.line('err', /^you are now alice$/);
    alice.send('/create Kitchen');
    await alice.line('err', /^entered Kitchen \(1 here, 0 messages/);
    alice.send('said before bob came');
    await alice.line('out', said('alice', 'said before bob came'));

    const bob = cli('bob', chat.server.url, '--name', 'bob', '--room', 'Kitchen');
    await bob.line('err', /^entered Kitchen \(2 here, 1 message;/);
    // the history page, then the live conversation
    await bob.line('out', said('alice', 'said before bob came'));
    await alice.line('err', /^bob joined$/);
    alice.send('hello bob');
    await bob.line('out', said('alice', 'hello bob'));
    bob.send('hi alice');
    await alice.line('out', said('bob', 'hi alice'));
    bob.send('two\nlines? no: one line each');
    await alice.line('out', said('bob', 'two'));

    // a new name, seen by the others on what comes next
    alice.send('/rename carol');
    await alice.line('err', /^you are now carol$/);
    await bob.line('err', /^alice is now carol$/);
    alice.send('renamed');
    await bob.line('out', said('carol', 'renamed'));
    bob.send('/who');
    await bob.line('out', /^carol$/);

    alice.send('/quit');
    await expect(alice.exited).resolves.toBe(0);
    await bob.line('err', /^carol left$/);
    bob.end();
    await expect(bob.exited).resolves.toBe(0);
    // every message once, in order, as `HH:MM name: body`
    const shown = bob.lines.out.filter((l) => /^\d\d:\d\d /.test(l)).map((l) => l.slice(6));
    expect(shown).toEqual([
      'alice: said before bob came',
      'alice: hello bob',
      'bob: hi alice',
      'bob: two',
      'bob: lines? no: one line each',
      'carol: renamed',
    ]);
  });

  it('/rooms lists the rooms and searches them; without --room the list comes first; a --room that is not there is exit 1', async () => {
    const attic = await room('Attic');
    const cellar = await room('Cellar');
    const run = cli('lister', chat.server.url);
    // name, people, messages, uuid: tab-separated when not on a terminal
    await run.line('out', new RegExp(`^Attic\\t0\\t0\\t${attic}$`));
    await run.line('out', new RegExp(`^Cellar\\t0\\t0\\t${cellar}$`));
    run.send('/rooms ELL');
    run.send('/rooms no such room');
    run.end();
    await expect(run.exited).resolves.toBe(0);
    expect(run.lines.out.filter((l) => l.startsWith('Cellar')).length).toBe(2);
    expect(run.lines.out.filter((l) => l.startsWith('Attic')).length).toBe(1);
    expect(run.lines.err).toContain(`no room's name holds "no such room"`);

    const lost = cli('lost', chat.server.url, '--room', 'Nowhere');
    await expect(lost.exited).resolves.toBe(1);
    expect(lost.lines.err.at(-1)).toBe(
      'error: no room is named "Nowhere" (/rooms lists them, /create Nowhere makes one)',
    );
  });

  it('resumes its identity from the file: the same user on the next run', async () => {
    const first = cli('dora', chat.server.url, '--name', 'dora');
    const before = await connectedAs(first);
    expect(first.lines.err[0]).toMatch(/a new identity, kept in .*\/dora$/);
    first.end();
    await expect(first.exited).resolves.toBe(0);
    const file = join(home, 'dora');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[\w-]{43}\n$/);

    const second = cli('dora', chat.server.url);
    await expect(connectedAs(second)).resolves.toEqual({ name: 'dora', uuid: before.uuid });
    expect(second.lines.err[0]).toMatch(/identity resumed from .*\/dora$/);
    second.end();
    await expect(second.exited).resolves.toBe(0);
  });

  it('reads a script from stdin: sends every line in order, runs commands, exits 0 at its end', async () => {
    const uuid = await room('Scripted');
    const run = cli('script', chat.server.url, '--room', uuid);
    for (const line of ['one', '/bogus', 'two', '//slash', '/leave', 'lost', `/join ${uuid}`]) {
      run.send(line);
    }
    run.send('three');
    run.end();
    await expect(run.exited).resolves.toBe(0);
    expect(run.lines.err).toContain('error: unknown command /bogus (/help lists the commands)');
    expect(run.lines.err).toContain('left Scripted');
    expect(run.lines.err).toContain('error: not in a room: /join ROOM first (/rooms lists them)');
    const watcher = await client();
    const entered = next(watcher, 'history');
    await watcher.enterRoom(uuid);
    const [history] = await entered;
    expect(history.list.map((m) => m.body)).toEqual(['one', 'two', '/slash', 'three']);
  });

  it('--linger: after its input ends, shows what comes for that long (the answer to a script)', async () => {
    const uuid = await room('Questions');
    const helper = await client();
    await helper.request('change_user_name', { name: 'helper' });
    await helper.enterRoom(uuid);
    const asked = next(helper, 'message_created', (p) => p.object.body === 'anyone there?');
    const run = cli('asking', chat.server.url, '--room', uuid, '--linger', '2');
    run.send('anyone there?');
    run.end();
    await asked;
    await helper.request('create_message', { body: 'yes' });
    await expect(run.exited).resolves.toBe(0);
    expect(run.lines.out.at(-1)).toMatch(said('helper', 'yes'));
  });

  it('shows the newest --history messages on entry, and older ones on /more', async () => {
    const uuid = await room('Busy');
    const poster = await client();
    await poster.enterRoom(uuid);
    for (let i = 1; i <= 12; i++) await poster.request('create_message', { body: `m${i}` });
    const run = cli('reader', chat.server.url, '--room', 'Busy', '--history', '3');
    await run.line('err', /^older messages: \/more$/);
    run.send('/more');
    run.send('/more');
    run.end();
    await expect(run.exited).resolves.toBe(0);
    const bodies = run.lines.out.map((l) => l.replace(/^\d\d:\d\d [^:]+: /, ''));
    expect(bodies).toEqual(['m10', 'm11', 'm12', 'm7', 'm8', 'm9', 'm4', 'm5', 'm6']);
  });

  it('says when the connection is lost and when it is back, and goes on', async () => {
    const proxy = await chat.proxy();
    await room('Shaky');
    const run = cli('shaky', proxy.url, '--room', 'Shaky');
    await run.line('err', /^entered Shaky/);
    proxy.drop();
    await run.line('err', /^connection lost; reconnecting…$/);
    await run.line('err', /^back online in Shaky$/);
    run.send('still here');
    await run.line('out', /: still here$/);
    run.end();
    await expect(run.exited).resolves.toBe(0);
  });

  it('quits on SIGINT: exit 0, out of the room at once', async () => {
    const uuid = await room('Interrupted');
    const watcher = await client();
    await watcher.enterRoom(uuid);
    const run = cli('interrupted', chat.server.url, '--room', uuid);
    await run.line('err', /^entered Interrupted/);
    const gone = next(watcher, 'room_changed', (p) => p.object.user_count === 1, 10_000);
    run.signal('SIGINT');
    await expect(run.exited).resolves.toBe(0);
    await gone;
  });
});
