import { clearLine, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { clean, colors, noColors, type Paint } from './render.ts';

export interface Streams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
}

/**
 * The terminal side: lines in, and lines out to stdout (messages, answers to commands) and
 * stderr (notices, errors). With a terminal on both stdin and stdout there is a prompt, kept
 * below whatever arrives while you type; otherwise lines are read and written plainly.
 */
export class Screen {
  /** stdout is a terminal: the readable layout. */
  readonly pretty: boolean;
  /** stdin and stdout are terminals: a prompt and line editing. */
  readonly interactive: boolean;
  readonly paint: Paint;
  readonly input: Interface;
  private closed = false;

  constructor(
    private readonly streams: Streams,
    color: boolean,
  ) {
    this.pretty = streams.stdout.isTTY === true;
    this.interactive = this.pretty && streams.stdin.isTTY === true;
    this.paint = this.pretty && color ? colors : noColors;
    this.input = createInterface({
      input: streams.stdin,
      ...(this.interactive ? { output: streams.stdout, terminal: true } : { terminal: false }),
    });
    this.setPrompt(null);
  }

  /** A message or an answer to a command. */
  out(text: string): void {
    this.write(this.streams.stdout, text);
  }

  /** Something that happened: the connection, people coming and going. */
  note(text: string): void {
    this.write(this.streams.stderr, this.pretty ? this.paint('dim', `-- ${text}`) : text);
  }

  fail(text: string): void {
    this.write(this.streams.stderr, this.paint('red', `error: ${text}`));
  }

  /** The prompt names the room you are in. */
  setPrompt(room: string | null): void {
    if (!this.interactive) return;
    this.input.setPrompt(room === null ? '› ' : `${this.paint('bold', clean(room))} › `);
    if (!this.closed) this.input.prompt(true);
  }

  /** Shows the prompt, for the next line. */
  prompt(): void {
    if (this.interactive && !this.closed) this.input.prompt(true);
  }

  /** Removes the line just typed, on as many rows as it took (a message: it comes back). */
  eraseTyped(line: string): void {
    if (!this.interactive) return;
    const { stdout } = this.streams;
    const width = stripVTControlCharacters(this.input.getPrompt()).length + [...line].length;
    const rows = Math.max(1, Math.ceil(width / (stdout.columns || 80)));
    for (let i = 0; i < rows; i++) {
      moveCursor(stdout, 0, -1);
      clearLine(stdout, 0);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.interactive) this.streams.stdout.write('\n');
    this.input.close();
  }

  private write(stream: NodeJS.WritableStream, text: string): void {
    if (!this.interactive || this.closed) {
      stream.write(`${text}\n`);
      return;
    }
    clearLine(this.streams.stdout, 0);
    cursorTo(this.streams.stdout, 0);
    stream.write(`${text}\n`);
    this.input.prompt(true);
  }
}
