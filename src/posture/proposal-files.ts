import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { canonicalJson, sha256Hex } from "../journal/canonical.js";
import { PostureInputError } from "./errors.js";
import { proposalProblems } from "./proposal-guard.js";
import { type ProposedPolicy, proposedPolicySchema } from "./proposal-schema.js";
import type { Proposal, ProposalSet } from "./proposals.js";

/**
 * A proposal directory: one Graph JSON body per file (exactly what would be POSTed / PATCHed) and
 * `manifest.json` saying what to do with each, with the body's hash. Apply refuses a body that no
 * longer matches its hash: what runs is what was reviewed.
 */

export const MANIFEST = "manifest.json";

const manifestSchema = z
  .object({
    version: z.literal(1),
    generatedAt: z.string(),
    tenantId: z.string().optional(),
    breakGlassUserIds: z.array(z.string()),
    proposals: z.array(
      z
        .object({
          file: z.string().regex(/^[\w.-]+\.json$/, "a plain .json file name in the directory"),
          action: z.enum(["create", "update"]),
          policyId: z.string().optional(),
          basedOnUsersSha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
          checkIds: z.array(z.string()),
          reason: z.string(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
        })
        .strict(),
    ),
  })
  .strict();

export type ProposalManifest = z.infer<typeof manifestSchema>;

export const bodyHash = (body: ProposedPolicy): string => sha256Hex(canonicalJson(body));

/** Writes the set; throws (naming the file) if any proposal breaks a safety rule. */
export function writeProposals(dir: string, set: ProposalSet): ProposalManifest {
  for (const proposal of set.proposals) {
    const problems = proposalProblems(proposal, set.breakGlassUserIds);
    if (problems.length > 0) throw new Error(`proposal ${proposal.file} is unsafe: ${problems.join("; ")}`);
  }
  mkdirSync(dir, { recursive: true });
  const manifest: ProposalManifest = {
    version: 1,
    generatedAt: set.generatedAt,
    ...(set.tenantId ? { tenantId: set.tenantId } : {}),
    breakGlassUserIds: set.breakGlassUserIds,
    proposals: set.proposals.map((p) => ({
      file: p.file,
      action: p.action,
      ...(p.policyId ? { policyId: p.policyId } : {}),
      ...(p.basedOnUsersSha256 ? { basedOnUsersSha256: p.basedOnUsersSha256 } : {}),
      checkIds: p.checkIds,
      reason: p.reason,
      sha256: bodyHash(p.body),
    })),
  };
  for (const proposal of set.proposals) {
    writeFileSync(join(dir, proposal.file), `${JSON.stringify(proposal.body, null, 2)}\n`);
  }
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads and checks a proposal directory; every problem names its file and is reported together. */
export function readProposals(dir: string): ProposalSet & { manifest: ProposalManifest } {
  const manifest = parseJson(join(dir, MANIFEST), (value) => {
    const parsed = manifestSchema.safeParse(value);
    if (!parsed.success) {
      throw new PostureInputError(
        `${MANIFEST}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    return parsed.data;
  });
  const problems: string[] = [];
  const proposals: Proposal[] = [];
  for (const entry of manifest.proposals) {
    let body: ProposedPolicy;
    try {
      body = parseJson(join(dir, entry.file), (value) => value as ProposedPolicy);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    if (bodyHash(body) !== entry.sha256) {
      problems.push(
        `${entry.file}: the body changed since it was proposed (hash mismatch); re-run posture --propose`,
      );
      continue;
    }
    const unsafe = proposalProblems({ ...entry, body }, manifest.breakGlassUserIds);
    if (unsafe.length > 0) {
      problems.push(`${entry.file}: ${unsafe.join("; ")}`);
      continue;
    }
    proposals.push({ ...entry, body: proposedPolicySchema.parse(body) });
  }
  if (problems.length > 0)
    throw new PostureInputError(`proposals in ${dir} are not valid:\n  - ${problems.join("\n  - ")}`);
  return {
    manifest,
    generatedAt: manifest.generatedAt,
    tenantId: manifest.tenantId,
    breakGlassUserIds: manifest.breakGlassUserIds,
    proposals,
  };
}

function parseJson<T>(path: string, convert: (value: unknown) => T): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PostureInputError(
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PostureInputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return convert(value);
}
