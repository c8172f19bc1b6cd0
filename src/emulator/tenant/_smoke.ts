import { createHash } from "node:crypto";
import { generateTenant } from "./generator.js";
import { tenantDocumentSchema } from "./schema.js";

const n = Number(process.argv[2] ?? 200);
const t0 = performance.now();
const c0 = process.cpuUsage();
const doc = generateTenant({ users: n, days: 30, seed: "s1" });
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
console.log(
  `gen ms ${Math.round(t1 - t0)} cpu user ${Math.round(c1.user / 1000)} sys ${Math.round(c1.system / 1000)} signIns ${doc.signIns.length} audits ${doc.directoryAudits.length} heapMB ${Math.round(process.memoryUsage().heapUsed / 1e6)}`,
);
if (n <= 2000) {
  const r = tenantDocumentSchema.safeParse(doc);
  console.log("valid", r.success, r.success ? "" : JSON.stringify(r.error.issues.slice(0, 3)));
  console.log(createHash("sha256").update(JSON.stringify(doc)).digest("hex"));
}
