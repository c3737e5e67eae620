/**
 * Turns of the event loop for calls that cost it much (a 2 MB drawing, a search): each
 * starts on a turn of its own, so that between two of them the loop reads the sockets and
 * serves everything else. Started together (ten clients entering a big room at once), their
 * work would otherwise run back to back before any other client was heard.
 *
 * One is started per turn: a call's work on SQLite runs to its end right after it starts
 * (the database answers synchronously), and the next start is queued from within the
 * loop's check phase, which runs it on the loop's next turn, after its timers and sockets.
 */
export class Turns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves when the caller may start: on a later turn than any call started before it. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(this.next);
  }

  private readonly next = (): void => {
    this.scheduled = false;
    this.waiting.shift()?.();
    this.schedule();
  };
}
