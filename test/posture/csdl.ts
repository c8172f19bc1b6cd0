import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";

/**
 * A small structural validator over the Graph v1.0 CSDL in ../shared: checks that a JSON value
 * uses only properties the type (and its base types) declares, with compatible primitive types
 * and enum members. Enough to prove a proposal body is a valid conditionalAccessPolicy write.
 */

export const CSDL_PATH = path.resolve(
  import.meta.dirname,
  "../../../shared/reference/graph-metadata/v1.0-cleanMetadata.xml",
);
export const csdlAvailable = existsSync(CSDL_PATH);

interface TypeDef {
  baseType?: string;
  properties: Map<string, string>;
}

interface Schema {
  types: Map<string, TypeDef>;
  enums: Map<string, { members: Set<string>; flags: boolean }>;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const local = (name: string) => name.replace(/^graph\./, "");

type XmlNode = Record<string, unknown>;

export function loadCsdl(): Schema {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });
  const doc = parser.parse(readFileSync(CSDL_PATH, "utf8")) as XmlNode;
  const edmx = doc["edmx:Edmx"] as XmlNode;
  const dataServices = edmx["edmx:DataServices"] as XmlNode;
  const schemas = asArray(dataServices.Schema as XmlNode | XmlNode[]);
  const types = new Map<string, TypeDef>();
  const enums = new Map<string, { members: Set<string>; flags: boolean }>();
  for (const schema of schemas) {
    for (const kind of ["EntityType", "ComplexType"]) {
      for (const node of asArray(schema[kind] as XmlNode | XmlNode[])) {
        const properties = new Map<string, string>();
        for (const p of [
          ...asArray(node.Property as XmlNode[]),
          ...asArray(node.NavigationProperty as XmlNode[]),
        ]) {
          properties.set(String(p.Name), String(p.Type));
        }
        types.set(String(node.Name), {
          baseType: node.BaseType ? local(String(node.BaseType)) : undefined,
          properties,
        });
      }
    }
    for (const node of asArray(schema.EnumType as XmlNode | XmlNode[])) {
      enums.set(String(node.Name), {
        flags: node.IsFlags === "true",
        members: new Set(asArray(node.Member as XmlNode[]).map((m) => String(m.Name))),
      });
    }
  }
  return { types, enums };
}

function propertyType(schema: Schema, typeName: string, property: string): string | undefined {
  for (let name: string | undefined = typeName; name; name = schema.types.get(name)?.baseType) {
    const found = schema.types.get(name)?.properties.get(property);
    if (found) return found;
  }
  return undefined;
}

/** Problems with `value` as an instance of CSDL type `typeName`; empty when it conforms. */
export function validateAgainstCsdl(
  schema: Schema,
  typeName: string,
  value: unknown,
  at = typeName,
): string[] {
  if (value === null) return [];
  const collection = /^Collection\((.+)\)$/.exec(typeName);
  if (collection) {
    if (!Array.isArray(value)) return [`${at}: expected a collection`];
    return value.flatMap((item, i) => validateAgainstCsdl(schema, collection[1], item, `${at}[${i}]`));
  }
  const type = local(typeName);
  switch (type) {
    case "Edm.String":
    case "Edm.DateTimeOffset":
    case "Edm.Guid":
      return typeof value === "string" ? [] : [`${at}: expected a string`];
    case "Edm.Boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
    case "Edm.Int32":
    case "Edm.Int64":
      return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
  }
  const enumType = schema.enums.get(type);
  if (enumType) {
    if (typeof value !== "string") return [`${at}: expected an enum string`];
    const parts = enumType.flags ? value.split(",").map((p) => p.trim()) : [value];
    return parts
      .filter((p) => !enumType.members.has(p))
      .map((p) => `${at}: '${p}' is not a member of ${type}`);
  }
  if (!schema.types.has(type)) return [`${at}: unknown type ${type}`];
  if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object of ${type}`];
  const problems: string[] = [];
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith("@odata.")) continue;
    const innerType = propertyType(schema, type, key);
    if (!innerType) {
      problems.push(`${at}.${key}: not a property of ${type}`);
      continue;
    }
    problems.push(...validateAgainstCsdl(schema, innerType, inner, `${at}.${key}`));
  }
  return problems;
}
