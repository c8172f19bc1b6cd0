/**
 * Child process of the evaluation's full path: collects the emulator's tenant into a case file with
 * the product's connector. A separate process because the emulator's CA must be trusted from
 * process start (NODE_EXTRA_CA_CERTS), exactly as for a responder running `mfa-evict collect`.
 *
 *   node --import tsx eval/collect-child.ts '{"casePath": "...", "since": "ISO"}'   (Azure env set)
 */
import { collectCase } from "../src/collect/index.js";
import { createGraphClient, credentialFromEnvironment } from "../src/graph/index.js";
import { openCase } from "../src/store/index.js";

const input = JSON.parse(process.argv[2] ?? "{}") as { casePath: string; since: string };
const client = createGraphClient({
  env: process.env,
  credential: credentialFromEnvironment(process.env),
  budgets: { reports: { capacity: 200, windowMs: 10_000 }, protection: { capacity: 50, windowMs: 1_000 } },
});
const store = openCase(input.casePath);
try {
  const summary = await collectCase({ client, store, since: new Date(input.since) });
  const failed = summary.outcomes
    .filter((outcome) => outcome.status === "failed")
    .map((outcome) => outcome.part);
  process.stdout.write(`${JSON.stringify({ failed })}\n`);
} finally {
  store.close();
  await client.close();
}
