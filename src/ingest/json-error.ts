/**
 * Where and why a JSON text is invalid, for rejection messages that name the line and the reason
 * without echoing the record's content (which may hold personal data or secrets). Only called after
 * JSON.parse has failed, so it favours clarity over speed.
 */
export interface JsonErrorLocation {
  /** 0-based line offset within the text. */
  lineOffset: number;
  reason: string;
}

export function locateJsonError(text: string): JsonErrorLocation {
  let pos = 0;
  const fail = (reason: string, at = pos): never => {
    throw new LocatedError(reason, at);
  };
  const ws = () => {
    while (pos < text.length && " \t\r\n".includes(text[pos]!)) pos++;
  };
  const describe = (at: number) => (at >= text.length ? "end of text" : `'${printable(text[at]!)}'`);
  const value = (depth: number): void => {
    if (depth > 512) fail("nested more than 512 levels deep");
    ws();
    const c = text[pos];
    if (c === "{") {
      pos++;
      ws();
      if (text[pos] === "}") {
        pos++;
        return;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail(`expected a double-quoted property name, found ${describe(pos)}`);
        string();
        ws();
        if (text[pos] !== ":") fail(`expected ':' after a property name, found ${describe(pos)}`);
        pos++;
        value(depth + 1);
        ws();
        if (text[pos] === ",") {
          pos++;
          ws();
          if (text[pos] === "}") fail("trailing comma before '}'");
          continue;
        }
        if (text[pos] === "}") {
          pos++;
          return;
        }
        fail(`expected ',' or '}' in an object, found ${describe(pos)}`);
      }
    }
    if (c === "[") {
      pos++;
      ws();
      if (text[pos] === "]") {
        pos++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[pos] === ",") {
          pos++;
          ws();
          if (text[pos] === "]") fail("trailing comma before ']'");
          continue;
        }
        if (text[pos] === "]") {
          pos++;
          return;
        }
        fail(`expected ',' or ']' in an array, found ${describe(pos)}`);
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      text.slice(pos, pos + 400),
    );
    if (!literal) fail(`unexpected ${describe(pos)}`);
    pos += literal![0].length;
  };
  const string = (): void => {
    const start = pos;
    pos++;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return;
      }
      if (c === 0x5c) {
        const next = text[pos + 1];
        if (next === undefined) break;
        if (!'"\\/bfnrtu'.includes(next)) fail(`invalid escape '\\${printable(next)}' in a string`);
        if (next === "u" && !/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6)))
          fail("invalid \\u escape");
        pos += next === "u" ? 6 : 2;
        continue;
      }
      if (c < 0x20) fail("control character (e.g. a raw line break) inside a string");
      pos++;
    }
    fail("unterminated string (the record is truncated)", start);
  };
  try {
    value(0);
    ws();
    if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
    return { lineOffset: 0, reason: "invalid JSON" };
  } catch (error) {
    if (!(error instanceof LocatedError)) throw error;
    const at = Math.min(error.at, text.length);
    const reason =
      at >= text.length && !error.message.startsWith("unterminated")
        ? "the record is truncated (the text ends before the JSON value does)"
        : error.message;
    return { lineOffset: countNewlines(text, at), reason: `invalid JSON: ${reason}` };
  }
}

class LocatedError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

function printable(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, "0")}` : c;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
