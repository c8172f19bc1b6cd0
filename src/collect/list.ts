import type { GraphConnector, GraphRequest } from "../graph/index.js";

/** Every item of a (paged) collection. */
export async function listAll<T>(
  client: GraphConnector,
  request: Omit<GraphRequest, "method">,
): Promise<T[]> {
  const all: T[] = [];
  for await (const items of client.pages<T>({ method: "GET", ...request })) all.push(...items);
  return all;
}
