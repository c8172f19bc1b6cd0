/**
 * The OData `$filter` subset Graph supports on the endpoints the emulator serves: comparisons
 * (eq ne gt ge lt le), `in`, startswith/endswith/contains, and/or/not, parentheses and the
 * `any` lambda. String literals use single quotes with `''` as the escaped quote.
 */

export type Literal = string | number | boolean | null | { dateTime: number; text: string };

export type FilterNode =
  | { kind: "cmp"; path: string; op: "eq" | "ne" | "gt" | "ge" | "lt" | "le"; value: Literal }
  | { kind: "func"; name: "startswith" | "endswith" | "contains"; path: string; value: string }
  | { kind: "in"; path: string; values: Literal[] }
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; expr: FilterNode }
  | { kind: "any"; path: string; variable: string; expr: FilterNode };

export class FilterSyntaxError extends Error {}

type Token =
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "date"; v: string }
  | { t: "id"; v: string }
  | { t: "punct"; v: "(" | ")" | "," | ":" };

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/;
const NUMBER = /^-?\d+(\.\d+)?(?![\w-])/;
const IDENT = /^[A-Za-z_@$][\w./@$]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(" || ch === ")" || ch === "," || ch === ":") {
      tokens.push({ t: "punct", v: ch });
      i++;
    } else if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError("unterminated string literal");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ t: "str", v: value });
    } else {
      const rest = text.slice(i);
      const date = DATE.exec(rest);
      if (date) {
        tokens.push({ t: "date", v: date[0] });
        i += date[0].length;
        continue;
      }
      const num = NUMBER.exec(rest);
      if (num) {
        tokens.push({ t: "num", v: Number(num[0]) });
        i += num[0].length;
        continue;
      }
      const ident = IDENT.exec(rest);
      if (!ident) throw new FilterSyntaxError(`unexpected character '${ch}' at position ${i}`);
      tokens.push({ t: "id", v: ident[0] });
      i += ident[0].length;
    }
  }
  return tokens;
}

const COMPARISON = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const FUNCTIONS = new Set(["startswith", "endswith", "contains"]);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) throw new FilterSyntaxError("unexpected trailing input");
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos++];
    if (!token) throw new FilterSyntaxError("unexpected end of filter");
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.t === "id" && token.v.toLowerCase() === word;
  }

  private expectPunct(v: string): void {
    const token = this.next();
    if (token.t !== "punct" || token.v !== v) throw new FilterSyntaxError(`expected '${v}'`);
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isWord("or")) {
      this.pos++;
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.isWord("and")) {
      this.pos++;
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    if (this.isWord("not")) {
      this.pos++;
      return { kind: "not", expr: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    const token = this.next();
    if (token.t === "punct" && token.v === "(") {
      const inner = this.or();
      this.expectPunct(")");
      return inner;
    }
    if (token.t !== "id") throw new FilterSyntaxError("expected a property or function");
    const lower = token.v.toLowerCase();
    if (FUNCTIONS.has(lower)) {
      this.expectPunct("(");
      const path = this.next();
      if (path.t !== "id") throw new FilterSyntaxError(`${lower} expects a property first`);
      this.expectPunct(",");
      const value = this.next();
      if (value.t !== "str") throw new FilterSyntaxError(`${lower} expects a string literal`);
      this.expectPunct(")");
      return { kind: "func", name: lower as "startswith", path: path.v, value: value.v };
    }
    const lambda = /^(.*)\/(any|all)$/i.exec(token.v);
    if (lambda) {
      if (lambda[2]!.toLowerCase() !== "any") throw new FilterSyntaxError("only the any lambda is supported");
      this.expectPunct("(");
      const variable = this.next();
      if (variable.t !== "id") throw new FilterSyntaxError("expected a lambda variable");
      this.expectPunct(":");
      const expr = this.or();
      this.expectPunct(")");
      return { kind: "any", path: lambda[1]!, variable: variable.v, expr };
    }
    const op = this.next();
    if (op.t !== "id") throw new FilterSyntaxError(`expected an operator after '${token.v}'`);
    const opName = op.v.toLowerCase();
    if (opName === "in") {
      this.expectPunct("(");
      const values: Literal[] = [this.literal()];
      while (this.peek()?.t === "punct" && (this.peek() as { v: string }).v === ",") {
        this.pos++;
        values.push(this.literal());
      }
      this.expectPunct(")");
      return { kind: "in", path: token.v, values };
    }
    if (!COMPARISON.has(opName)) throw new FilterSyntaxError(`unknown operator '${op.v}'`);
    return { kind: "cmp", path: token.v, op: opName as "eq", value: this.literal() };
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.t) {
      case "str":
        return token.v;
      case "num":
        return token.v;
      case "date":
        return { dateTime: Date.parse(token.v), text: token.v };
      case "id": {
        const lower = token.v.toLowerCase();
        if (lower === "true") return true;
        if (lower === "false") return false;
        if (lower === "null") return null;
        throw new FilterSyntaxError(`expected a literal, found '${token.v}'`);
      }
      default:
        throw new FilterSyntaxError("expected a literal");
    }
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parse();
}

/** Every (property path, operator) pair a filter uses; lambda bodies are reported as `coll/any/prop`. */
export function filterUsage(
  node: FilterNode,
  prefix = "",
  variable?: string,
): { path: string; op: string }[] {
  const qualify = (path: string): string => {
    if (variable && (path === variable || path.startsWith(`${variable}/`))) {
      return `${prefix}${path.slice(variable.length)}`;
    }
    return path;
  };
  switch (node.kind) {
    case "cmp":
      return [{ path: qualify(node.path), op: node.op }];
    case "func":
      return [{ path: qualify(node.path), op: node.name }];
    case "in":
      return [{ path: qualify(node.path), op: "in" }];
    case "and":
    case "or":
      return [...filterUsage(node.left, prefix, variable), ...filterUsage(node.right, prefix, variable)];
    case "not":
      return [{ path: "", op: "not" }, ...filterUsage(node.expr, prefix, variable)];
    case "any":
      // The lambda is allowed when its body's comparisons are (`coll/any` for the bare variable).
      return filterUsage(node.expr, `${node.path}/any`, node.variable);
  }
}

function get(item: unknown, path: string): unknown {
  let current = item;
  for (const part of path.split("/")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function compare(actual: unknown, expected: Literal): number | undefined {
  if (actual === undefined || actual === null || expected === null) return undefined;
  if (typeof expected === "object") {
    const time = typeof actual === "string" ? Date.parse(actual) : Number.NaN;
    return Number.isNaN(time) ? undefined : time - expected.dateTime;
  }
  if (typeof expected === "string" && typeof actual === "string") {
    // Directory string comparisons are case-insensitive.
    const a = actual.toLowerCase();
    const b = expected.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof expected === "number" && typeof actual === "number") return actual - expected;
  if (typeof expected === "boolean" && typeof actual === "boolean") return actual === expected ? 0 : 1;
  if (typeof expected === "number" && typeof actual === "string") return Number(actual) - expected;
  return undefined;
}

function equals(actual: unknown, expected: Literal): boolean {
  if (expected === null) return actual === null || actual === undefined;
  return compare(actual, expected) === 0;
}

export function evaluate(node: FilterNode, item: unknown, scope: Record<string, unknown> = {}): boolean {
  const resolve = (path: string): unknown => {
    const head = path.split("/", 1)[0]!;
    if (head in scope) {
      const rest = path.slice(head.length + 1);
      return rest ? get(scope[head], rest) : scope[head];
    }
    return get(item, path);
  };
  switch (node.kind) {
    case "cmp": {
      const actual = resolve(node.path);
      if (node.op === "eq") return equals(actual, node.value);
      if (node.op === "ne") return !equals(actual, node.value);
      const c = compare(actual, node.value);
      if (c === undefined) return false;
      return node.op === "gt" ? c > 0 : node.op === "ge" ? c >= 0 : node.op === "lt" ? c < 0 : c <= 0;
    }
    case "func": {
      const actual = resolve(node.path);
      if (typeof actual !== "string") return false;
      const a = actual.toLowerCase();
      const b = node.value.toLowerCase();
      return node.name === "startswith"
        ? a.startsWith(b)
        : node.name === "endswith"
          ? a.endsWith(b)
          : a.includes(b);
    }
    case "in": {
      const actual = resolve(node.path);
      return node.values.some((value) => equals(actual, value));
    }
    case "and":
      return evaluate(node.left, item, scope) && evaluate(node.right, item, scope);
    case "or":
      return evaluate(node.left, item, scope) || evaluate(node.right, item, scope);
    case "not":
      return !evaluate(node.expr, item, scope);
    case "any": {
      const collection = resolve(node.path);
      if (!Array.isArray(collection)) return false;
      return collection.some((element) => evaluate(node.expr, item, { ...scope, [node.variable]: element }));
    }
  }
}
