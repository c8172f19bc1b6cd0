import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { csdlPath } from "./emulator-permissions.js";

/**
 * The Graph v1.0 CSDL (microsoft.graph schema) as a small type model, and a checker that walks a
 * JSON value against a type: every property must exist on the type (or its bases), with a
 * compatible JSON type, and enum values must be members (flags enums comma-separated).
 */

interface CsdlProperty {
  type: string;
  nullable: boolean;
}

interface CsdlStructured {
  base?: string;
  properties: Map<string, CsdlProperty>;
  navigation: Map<string, CsdlProperty>;
}

export interface CsdlModel {
  structured: Map<string, CsdlStructured>;
  enums: Map<string, { members: Set<string>; flags: boolean }>;
}

interface RawProperty {
  Name: string;
  Type: string;
  Nullable?: string;
}

interface RawStructured {
  Name: string;
  BaseType?: string;
  Property?: RawProperty[];
  NavigationProperty?: RawProperty[];
}

const ARRAYS = new Set([
  "Schema",
  "EntityType",
  "ComplexType",
  "EnumType",
  "Property",
  "NavigationProperty",
  "Member",
]);

function local(type: string): string {
  return type.replace(/^(graph|microsoft\.graph)\./, "");
}

export function loadCsdl(): CsdlModel {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(readFileSync(csdlPath, "utf8"));
  const schema = (doc["edmx:Edmx"]["edmx:DataServices"].Schema as { Namespace: string }[]).find(
    (s) => s.Namespace === "microsoft.graph",
  ) as unknown as {
    EntityType: RawStructured[];
    ComplexType: RawStructured[];
    EnumType: { Name: string; IsFlags?: string; Member?: { Name: string }[] }[];
  };
  const structured = new Map<string, CsdlStructured>();
  for (const raw of [...schema.EntityType, ...schema.ComplexType]) {
    const toMap = (list: RawProperty[] | undefined) =>
      new Map((list ?? []).map((p) => [p.Name, { type: p.Type, nullable: p.Nullable !== "false" }]));
    structured.set(raw.Name, {
      base: raw.BaseType ? local(raw.BaseType) : undefined,
      properties: toMap(raw.Property),
      navigation: toMap(raw.NavigationProperty),
    });
  }
  const enums = new Map(
    schema.EnumType.map((e) => [
      e.Name,
      { members: new Set((e.Member ?? []).map((m) => m.Name)), flags: e.IsFlags === "true" },
    ]),
  );
  // `entity` and `directoryObject` carry `id` (and deletedDateTime) for every entity.
  return { structured, enums };
}

function findProperty(
  model: CsdlModel,
  typeName: string,
  name: string,
): { property?: CsdlProperty; navigation?: CsdlProperty } {
  let current: string | undefined = typeName;
  while (current) {
    const type = model.structured.get(current);
    if (!type) return {};
    const property = type.properties.get(name);
    if (property) return { property };
    const navigation = type.navigation.get(name);
    if (navigation) return { navigation };
    current = type.base;
  }
  return {};
}

function derivesFrom(model: CsdlModel, typeName: string, ancestor: string): boolean {
  let current: string | undefined = typeName;
  while (current) {
    if (current === ancestor) return true;
    current = model.structured.get(current)?.base;
  }
  return false;
}

const EDM: Record<string, (v: unknown) => boolean> = {
  "Edm.String": (v) => typeof v === "string",
  "Edm.Boolean": (v) => typeof v === "boolean",
  "Edm.Int32": (v) => Number.isInteger(v),
  "Edm.Int64": (v) => Number.isInteger(v),
  "Edm.Int16": (v) => Number.isInteger(v),
  "Edm.Byte": (v) => Number.isInteger(v),
  "Edm.Double": (v) => typeof v === "number",
  "Edm.Single": (v) => typeof v === "number",
  "Edm.Decimal": (v) => typeof v === "number",
  "Edm.Guid": (v) =>
    typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  "Edm.DateTimeOffset": (v) =>
    typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
  "Edm.Date": (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v),
  "Edm.TimeOfDay": (v) => typeof v === "string",
  "Edm.Duration": (v) => typeof v === "string",
  "Edm.Binary": (v) => typeof v === "string",
};

/** Problems found checking `value` against CSDL type `typeName` (empty when it conforms). */
export function checkValue(model: CsdlModel, typeName: string, value: unknown, where: string): string[] {
  if (value === null) return [];
  const collection = /^Collection\((.+)\)$/.exec(typeName);
  if (collection) {
    if (!Array.isArray(value)) return [`${where}: expected a collection of ${collection[1]}`];
    return value.flatMap((item, i) => checkValue(model, collection[1]!, item, `${where}[${i}]`));
  }
  const edm = EDM[typeName];
  if (edm) return edm(value) ? [] : [`${where}: ${JSON.stringify(value)} is not ${typeName}`];
  const name = local(typeName);
  const enumType = model.enums.get(name);
  if (enumType) {
    if (typeof value !== "string") return [`${where}: enum ${name} expects a string`];
    const members = enumType.flags ? value.split(",").map((m) => m.trim()) : [value];
    return members
      .filter((m) => !enumType.members.has(m))
      .map((m) => `${where}: '${m}' is not a member of ${name}`);
  }
  if (!model.structured.has(name)) return [`${where}: unknown type ${typeName}`];
  if (typeof value !== "object" || Array.isArray(value)) return [`${where}: expected an object of ${name}`];
  let actual = name;
  const declared = (value as Record<string, unknown>)["@odata.type"];
  if (typeof declared === "string") {
    actual = declared.replace(/^#microsoft\.graph\./, "");
    if (!model.structured.has(actual)) return [`${where}: @odata.type ${declared} is not a CSDL type`];
    if (!derivesFrom(model, actual, name)) return [`${where}: ${declared} does not derive from ${name}`];
  }
  const problems: string[] = [];
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith("@odata.") || key.includes("@odata.")) continue;
    const { property, navigation } = findProperty(model, actual, key);
    const found = property ?? navigation;
    if (!found) {
      problems.push(`${where}.${key}: no such property on ${actual}`);
      continue;
    }
    if (inner === null && property && !property.nullable) {
      problems.push(`${where}.${key}: null but not nullable`);
      continue;
    }
    problems.push(...checkValue(model, found.type, inner, `${where}.${key}`));
  }
  return problems;
}

/** Property and navigation names of a type and its bases, sorted. */
export function propertyNames(model: CsdlModel, typeName: string): string[] {
  const names = new Set<string>();
  let current: string | undefined = typeName;
  while (current) {
    const type = model.structured.get(current);
    if (!type) break;
    for (const name of [...type.properties.keys(), ...type.navigation.keys()]) names.add(name);
    current = type.base;
  }
  return [...names].sort();
}
