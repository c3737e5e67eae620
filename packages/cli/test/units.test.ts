import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Message } from '@chat/protocol';
import { helpText, parseInput } from '../src/commands.ts';
import { parseOptions, serverUrl } from '../src/options.ts';
import { clean, colors, noColors, plainMessage, plainRoom, prettyMessage } from '../src/render.ts';
import { message as fake, room, user } from '../../client/test/helpers/fakes.ts';

const created = new Date(2026, 10, 28, 9, 5).toISOString();

const alice = user('alice', 'r');

/** A message of alice's, sent at 09:05 local time. */
const message = (fields: Partial<Message> = {}): Message => ({
  ...fake('r', 1, alice, 'hello'),
  created,
  ...fields,
});

describe('input lines', () => {
  it('are messages, commands with their argument, or unknown commands', () => {
    expect(parseInput('hello /there')).toEqual({ kind: 'message', body: 'hello /there' });
    expect(parseInput('//slash')).toEqual({ kind: 'message', body: '/slash' });
    expect(parseInput('   ')).toEqual({ kind: 'empty' });
    expect(parseInput('/JOIN  The Kitchen ')).toEqual({
      kind: 'command',
      name: 'join',
      arg: 'The Kitchen',
    });
    expect(parseInput('/rooms')).toEqual({ kind: 'command', name: 'rooms', arg: '' });
    expect(parseInput('/nick bob')).toEqual({ kind: 'command', name: 'rename', arg: 'bob' });
    expect(parseInput('/exit')).toEqual({ kind: 'command', name: 'quit', arg: '' });
    expect(parseInput('/dance now')).toEqual({ kind: 'unknown', name: 'dance' });
  });

  it('/help names every command', () => {
    for (const c of ['/rooms [QUERY]', '/join ROOM', '/leave', '/rename NAME', '/quit', '/help']) {
      expect(helpText()).toContain(c);
    }
  });
});

describe('output', () => {
  it('a pipe gets one line a message: HH:MM name: body', () => {
    expect(plainMessage(message())).toBe('09:05 alice: hello');
    expect(plainMessage(message({ body: 'two\nlines' }))).toBe('09:05 alice: two\\nlines');
    expect(plainMessage(message({ edited: created }))).toBe('09:05 alice: hello (edited)');
    expect(plainMessage(message({ body: '', deleted: created }))).toBe('09:05 alice: (deleted)');
  });

  it('a terminal gets the author colored, own messages marked, further lines indented', () => {
    expect(prettyMessage(message({ body: 'a\nb' }), false, noColors)).toBe(
      '09:05   alice  a\n               b',
    );
    expect(prettyMessage(message(), true, noColors)).toBe('09:05 » alice  hello');
    const painted = prettyMessage(message(), true, colors);
    expect(painted).toContain('\x1b[1m');
    expect(painted).toContain('» alice');
  });

  it('never passes a control character to the terminal', () => {
    expect(clean('\x1b]0;owned\x07red\x1b[31m\r\ntab\tok\x7f\x9b')).toBe(
      '^[]0;owned^Gred^[[31m\ntab\tok^?\ufffd',
    );
    expect(plainMessage(message({ body: '\x1b[2Jgone' }))).toBe('09:05 alice: ^[[2Jgone');
    expect(plainMessage(message({ user: { ...alice, name: 'e\x1bvil' } }))).toBe(
      '09:05 e^[vil: hello',
    );
  });

  it('a room for a pipe: name, people, messages, uuid, tab-separated', () => {
    const kitchen = { ...room('u', [alice, user('bob')]), sum: 7 };
    expect(plainRoom(kitchen)).toBe('Kitchen\t2\t7\tu');
  });
});

describe('the command line', () => {
  const io = () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const text = (s: PassThrough) => (s.read() as Buffer | null)?.toString() ?? '';
    return {
      io: { stdout: out, stderr: err, env: { XDG_CONFIG_HOME: '/cfg' } },
      out: () => text(out),
      err: () => text(err),
    };
  };

  it('takes the server as ws(s):// or http(s)://, without a trailing slash', () => {
    expect(serverUrl('ws://localhost:9000/')).toBe('ws://localhost:9000');
    expect(serverUrl('https://chat.example.org/chat/')).toBe('https://chat.example.org/chat');
    expect(() => serverUrl('localhost:9000')).toThrow(/not a server address/);
    expect(() => serverUrl('http://h/?v=2')).toThrow(/without \?query/);
  });

  it('has defaults, and an identity file to keep or none', () => {
    const t = io();
    expect(parseOptions(['http://h:1'], t.io)).toEqual({
      url: 'http://h:1',
      room: undefined,
      name: undefined,
      identity: '/cfg/socket-chat/token',
      history: 20,
      color: true,
      connectTimeoutMs: 10_000,
      lingerMs: 0,
    });
    const set = ['ws://h', '-r', 'Kitchen', '-n', 'bob', '--no-identity', '--history', '0'];
    expect(parseOptions([...set, '--no-color'], t.io)).toMatchObject({
      room: 'Kitchen',
      name: 'bob',
      identity: null,
      history: 0,
      color: false,
    });
  });

  it('refuses numbers out of range with exit 2', () => {
    const t = io();
    expect(parseOptions(['ws://h', '--history', '201'], t.io)).toEqual({ exit: 2 });
    expect(t.err()).toMatch(/A whole number from 0 to 200/);
    expect(parseOptions(['ws://h', '--connect-timeout', '0.5'], t.io)).toEqual({ exit: 2 });
  });
});
