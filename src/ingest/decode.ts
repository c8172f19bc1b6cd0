import { isUtf8 } from "node:buffer";
import fs from "node:fs";
import type { Readable } from "node:stream";
import zlib from "node:zlib";

/** A file that cannot be read as text at all (binary, archive, undecodable). */
export class FileFormatError extends Error {
  override name = "FileFormatError";
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export interface TextSource {
  compression: "none" | "gzip";
  encoding: TextEncodingName;
  /** Decoded text in chunks; never the whole file at once. */
  chunks: AsyncIterable<string>;
}

const CHUNK_BYTES = 1 << 20;
const SNIFF_BYTES = 64 * 1024;

/**
 * Opens a log file as a stream of decoded text. Detects gzip by its magic bytes (whatever the file is
 * named), the encoding by BOM (UTF-8, UTF-16 LE/BE), UTF-16 without BOM by its zero bytes, and
 * Latin-1/Windows-1252 when the start is not valid UTF-8. Archives and binary files are refused.
 */
export async function openText(file: string): Promise<TextSource> {
  const head = await readHead(file, 4);
  const compression = isGzip(head) ? "gzip" : "none";
  const bytes = (): Readable => {
    const raw = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
    return compression === "gzip" ? raw.pipe(zlib.createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  };
  const sniff = await firstBytes(bytes(), SNIFF_BYTES);
  const encoding = detectEncoding(sniff);
  return { compression, encoding, chunks: decode(bytes(), encoding) };
}

/** Whether a file's first bytes are gzip's magic number (whatever the file is named). */
export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, "r");
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function firstBytes(stream: Readable, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= n) break;
    }
  } catch (error) {
    // A truncated gzip still has a readable start; the decode pass reports the truncation.
    if (length === 0) throw new FileFormatError(`cannot read: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

function detectEncoding(head: Buffer): TextEncodingName {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new FileFormatError("a zip archive: extract it and import the files inside");
  }
  const sample = head.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenZeros++;
      else oddZeros++;
    }
  }
  // ASCII text in UTF-16 has a zero in every other byte; any other zero byte means binary.
  if (sample.length >= 4 && oddZeros > sample.length / 4 && evenZeros === 0) return "utf-16le";
  if (sample.length >= 4 && evenZeros > sample.length / 4 && oddZeros === 0) return "utf-16be";
  if (evenZeros + oddZeros > 0) throw new FileFormatError("a binary file, not a text log export");
  return startsAsUtf8(head) ? "utf-8" : "windows-1252";
}

/** Valid UTF-8, allowing a multi-byte sequence cut off at the end of the sample. */
function startsAsUtf8(bytes: Buffer): boolean {
  return isUtf8(bytes.subarray(0, completeLength(bytes)));
}

async function* decode(stream: Readable, encoding: TextEncodingName): AsyncGenerator<string> {
  const decoder =
    encoding === "utf-8"
      ? new Utf8Chunks()
      : new TextDecoder(encoding, { fatal: encoding !== "windows-1252" });
  let lines = 1;
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        // Hand on the complete lines before the bad bytes, then stop at the line that holds them.
        const lenient = new TextDecoder(encoding).decode(chunk as Buffer);
        const bad = lenient.indexOf("\uFFFD");
        const prefix = lenient.slice(0, lenient.lastIndexOf("\n", bad) + 1);
        if (prefix) yield prefix;
        throw new FileFormatError(
          `not valid ${encoding} text; re-export the file as UTF-8`,
          lines + countNewlines(prefix),
        );
      }
      lines += countNewlines(text);
      yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    if (error instanceof Utf8Error) {
      throw new FileFormatError(`not valid ${encoding} text; re-export the file as UTF-8`, lines);
    }
    // zlib reports a truncated or corrupt gzip stream here.
    throw new FileFormatError(`cannot read past this point: ${(error as Error).message}`, lines);
  } finally {
    stream.destroy();
  }
}

class Utf8Error extends Error {}

/**
 * A strict streaming UTF-8 decoder with TextDecoder's interface. Node's TextDecoder gives strings
 * that V8 then scans and parses markedly slower (measured: a JSON Lines import spent a third more
 * time cutting and parsing lines); `isUtf8` (simdutf) checks the bytes and `toString` makes the same
 * one-byte strings `fs` streams do. A character cut at a chunk boundary waits for the next chunk.
 */
class Utf8Chunks {
  private pending: Buffer | undefined;
  private started = false;

  decode(chunk?: Buffer, options?: { stream?: boolean }): string {
    const bytes =
      chunk === undefined ? this.pending : this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    if (bytes === undefined) return "";
    const end = options?.stream ? completeLength(bytes) : bytes.length;
    const body = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (!isUtf8(body)) throw new Utf8Error("invalid UTF-8");
    if (end < bytes.length) this.pending = Buffer.from(bytes.subarray(end));
    let text = body.toString("utf8");
    if (!this.started && text.length > 0) {
      this.started = true;
      // TextDecoder drops a leading byte order mark; so does this.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

/** Bytes up to the end of the last complete UTF-8 character (a cut one waits for the next chunk). */
function completeLength(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const byte = bytes[n - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const size = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return size > back ? n - back : n;
  }
  // Only continuation bytes at the end: leave them to isUtf8 to refuse.
  return n;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
