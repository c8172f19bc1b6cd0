/**
 * User ids handed from the users listing to the per-user streams page by page, so per-user work
 * starts with the first page instead of after the last one.
 */
export class UserFeed implements AsyncIterable<string[]> {
  private readonly queue: string[][] = [];
  private closed = false;
  private wake: (() => void) | undefined;
  /** Ids pushed so far (the expected total once closed). */
  count = 0;
  /** True once the feed holds every user in scope (the listing finished without error). */
  complete = false;

  push(ids: string[]): void {
    if (ids.length === 0) return;
    this.queue.push(ids);
    this.count += ids.length;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string[]> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  /** A feed that already holds every id (when the users stream is not running in this invocation). */
  static of(ids: string[]): UserFeed {
    const feed = new UserFeed();
    feed.push(ids);
    feed.complete = true;
    feed.close();
    return feed;
  }
}
