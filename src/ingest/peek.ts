/**
 * Reads the start of a text until `enough(head)` holds (or the text ends) and gives it back with
 * the whole text again from its beginning, so a format can be recognised without losing a chunk.
 */
export async function peek(
  text: AsyncIterable<string>,
  enough: (head: string) => boolean,
): Promise<{ head: string; text: AsyncIterable<string> }> {
  const iterator = text[Symbol.asyncIterator]();
  let head = "";
  while (!enough(head)) {
    const next = await iterator.next();
    if (next.done) break;
    head += next.value;
  }
  async function* replay(): AsyncGenerator<string> {
    if (head) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, text: replay() };
}
