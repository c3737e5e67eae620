import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client written by hand, frame by frame, for what a library would never send:
 * fragments, reserved opcodes and bits, bad UTF-8, unmasked frames.
 */
export class RawSocket {
  private buffer = Buffer.alloc(0);
  readonly closed: Promise<number | undefined>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.buffer = Buffer.concat([this.buffer, d])));
    this.closed = new Promise((resolve) =>
      socket.once('close', () => resolve(this.readCloseCode())),
    );
  }

  /** Connects and completes the upgrade on /ws. */
  static async open(url: string): Promise<RawSocket> {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const raw = new RawSocket(socket);
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    for (let waited = 0; !raw.buffer.includes('\r\n\r\n'); waited += 5) {
      if (waited > 5000) throw new Error('no upgrade');
      await new Promise((r) => setTimeout(r, 5));
    }
    const end = raw.buffer.indexOf('\r\n\r\n') + 4;
    if (!raw.buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) {
      throw new Error(`upgrade refused: ${raw.buffer.subarray(0, end).toString()}`);
    }
    raw.buffer = raw.buffer.subarray(end);
    return raw;
  }

  /** Writes one frame: `opcode`, `payload`, FIN unless `fin: false`, masked unless `mask: false`. */
  frame(
    opcode: number,
    payload: Buffer | string,
    opts: { fin?: boolean; mask?: boolean; rsv?: number } = {},
  ): void {
    const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const masked = opts.mask !== false;
    const head: number[] = [((opts.fin === false ? 0 : 1) << 7) | ((opts.rsv ?? 0) << 4) | opcode];
    const bit = masked ? 0x80 : 0;
    if (data.length < 126) head.push(bit | data.length);
    else if (data.length < 65536) head.push(bit | 126, data.length >> 8, data.length & 255);
    else {
      head.push(bit | 127, 0, 0, 0, 0);
      for (let shift = 24; shift >= 0; shift -= 8) head.push((data.length >>> shift) & 255);
    }
    const key = randomBytes(4);
    const body = masked ? Buffer.from(data.map((b, i) => b ^ key[i % 4]!)) : data;
    this.socket.write(Buffer.concat([Buffer.from(head), masked ? key : Buffer.alloc(0), body]));
  }

  /** The frames received so far (the server sends them whole and unmasked). */
  private received(): { opcode: number; payload: Buffer }[] {
    const out: { opcode: number; payload: Buffer }[] = [];
    for (let b = this.buffer; b.length >= 2;) {
      let len = b[1]! & 127;
      let at = 2;
      if (len === 126) {
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + len) break;
      out.push({ opcode: b[0]! & 15, payload: b.subarray(at, at + len) });
      b = b.subarray(at + len);
    }
    return out;
  }

  /** The text frames received so far. */
  texts(): string[] {
    return this.received().flatMap((f) => (f.opcode === 1 ? [f.payload.toString('utf8')] : []));
  }

  /** The code of the close frame the server sent, if any. */
  private readCloseCode(): number | undefined {
    const close = this.received().find((f) => f.opcode === 8 && f.payload.length >= 2);
    return close?.payload.readUInt16BE(0);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
