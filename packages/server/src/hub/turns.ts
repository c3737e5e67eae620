/** Milliseconds of calls the event loop runs in a row before it turns to its sockets and timers. */
export const SLICE_MS = 5;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Shares the event loop between connections. Calls that arrive together (a client's burst of
 * a hundred frames, ten clients entering a 2 MB room at once) would otherwise all run before
 * the loop reads any other socket: on SQLite a call's work is synchronous, so promises chain
 * them without a pause. Here a call starts at once while the current slice of the loop has
 * run calls for less than SLICE_MS; later ones wait for a later turn of the loop, in order.
 */
export class Turns {
  /** When the current slice began; a slice ends when the loop reaches its check phase. */
  private sliceStart = 0;
  private inSlice = false;

  private mayRun(): boolean {
    const now = performance.now();
    if (!this.inSlice) {
      this.inSlice = true;
      this.sliceStart = now;
      setImmediate(this.endSlice);
    }
    return now - this.sliceStart < SLICE_MS;
  }

  private readonly endSlice = (): void => {
    this.inSlice = false;
  };

  /** Resolves when the caller may start its call. */
  async next(): Promise<void> {
    while (!this.mayRun()) await nextTurn();
  }
}
