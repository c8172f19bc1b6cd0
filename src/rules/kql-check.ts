import { createRequire } from "node:module";
import { type KqlTable, TABLE_SCHEMAS } from "./kql-schemas.js";

/**
 * Checks KQL with Microsoft's own Kusto language service (@kusto/language-service-next), parsing
 * *and* binding against the real table schemas, so an unknown column, table or function is an error.
 *
 * How it must be loaded: the package is a Bridge.NET bundle. Its `main` (Kusto.Language.Bridge.js)
 * calls a global `Bridge` that only the package's separate `bridge.js` runtime defines, so a plain
 * `require` of the package throws "Bridge is not defined". Requiring `bridge.js` first (it sees
 * `module.exports` and installs itself on Node's `global`) and then the package makes the whole
 * `Kusto.Language` namespace available as `globalThis.Kusto`. Loading takes ~2 s, so it is done
 * once, lazily. The bundle's .d.ts declares global namespaces only; the few members used here are
 * typed locally below.
 */

export interface KqlDiagnostic {
  severity: string;
  message: string;
  /** Offset into the query text. */
  start: number;
  length: number;
  /** The query text around the problem, for error messages. */
  excerpt: string;
}

interface BridgeList<T> {
  Count: number;
  getItem(index: number): T;
}
interface BridgeDiagnostic {
  Severity: string;
  Message: string;
  Start: number;
  Length: number;
}
interface KustoCode {
  GetDiagnostics(): BridgeList<BridgeDiagnostic>;
  ResultType: { Columns?: BridgeList<{ Name: string; Type: { Name: string } }> } | null;
}
interface GlobalState {
  WithDatabase(database: unknown): GlobalState;
}
interface KustoLanguage {
  KustoCode: { ParseAndAnalyze(text: string, globals: GlobalState): KustoCode };
  GlobalState: { Default: GlobalState };
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => unknown };
    DatabaseSymbol: {
      $ctor2: new (name: string, alternateName: string | null, members: unknown[]) => unknown;
    };
  };
}

let globals: GlobalState | undefined;

function loadGlobals(): GlobalState {
  if (globals) return globals;
  const require = createRequire(import.meta.url);
  require("@kusto/language-service-next/bridge.js");
  require("@kusto/language-service-next");
  // The bundle publishes itself on the global object; there is no export to import instead.
  const language = (globalThis as unknown as { Kusto?: { Language?: KustoLanguage } }).Kusto?.Language;
  if (!language) throw new Error("@kusto/language-service-next loaded but did not define Kusto.Language");
  const tables = (Object.keys(TABLE_SCHEMAS) as KqlTable[]).map((name) => {
    const columns = Object.entries(TABLE_SCHEMAS[name])
      .map(([column, type]) => `${column}:${type}`)
      .join(", ");
    return new language.Symbols.TableSymbol.$ctor7(name, `(${columns})`, null);
  });
  const database = new language.Symbols.DatabaseSymbol.$ctor2("LogAnalytics", null, tables);
  globals = language.GlobalState.Default.WithDatabase(database);
  kustoCode = language.KustoCode;
  return globals;
}

let kustoCode: KustoLanguage["KustoCode"] | undefined;

export interface KqlAnalysis {
  /** Every diagnostic (errors and warnings) the language service reports. */
  diagnostics: KqlDiagnostic[];
  /** The columns (name → Kusto type) of the tabular result, as the binder infers them. */
  columns: Record<string, string>;
}

/** Parses and binds the query once against the table schemas. */
export function analyzeKql(query: string): KqlAnalysis {
  const state = loadGlobals();
  if (!kustoCode) throw new Error("Kusto language service not initialised");
  const code = kustoCode.ParseAndAnalyze(query, state);
  const found = code.GetDiagnostics();
  const diagnostics: KqlDiagnostic[] = [];
  for (let i = 0; i < found.Count; i++) {
    const d = found.getItem(i);
    diagnostics.push({
      severity: String(d.Severity),
      message: d.Message,
      start: d.Start,
      length: d.Length,
      excerpt: query.slice(Math.max(0, d.Start - 30), d.Start + d.Length + 30),
    });
  }
  const resultColumns = code.ResultType?.Columns;
  const columns: Record<string, string> = {};
  for (let i = 0; i < (resultColumns?.Count ?? 0); i++) {
    const column = resultColumns?.getItem(i);
    if (column) columns[column.Name] = column.Type.Name;
  }
  return { diagnostics, columns };
}

export function checkKql(query: string): KqlDiagnostic[] {
  return analyzeKql(query).diagnostics;
}

/** Only the errors: a query with none is accepted by Log Analytics' parser and binder. */
export function kqlErrors(query: string): KqlDiagnostic[] {
  return checkKql(query).filter((d) => d.severity === "Error");
}

export function kqlResultColumns(query: string): Record<string, string> {
  return analyzeKql(query).columns;
}
