import { buildScenario, listScenarios, tenantDocumentSchema } from "./index.js";

for (const s of listScenarios()) {
  const t0 = performance.now();
  const { tenant, groundTruth } = buildScenario(s.name, { users: Number(process.argv[2] ?? 200) });
  const ok = tenantDocumentSchema.safeParse(tenant);
  console.log(
    s.name,
    Math.round(performance.now() - t0),
    "ms",
    "malicious",
    groundTruth.malicious.length,
    "benign",
    groundTruth.benignNoise.length,
    "compromised",
    groundTruth.scenarios.map((x) => x.compromisedUsers.length).join("+"),
    "valid",
    ok.success,
    ok.success ? "" : JSON.stringify(ok.error.issues.slice(0, 2)),
  );
}
