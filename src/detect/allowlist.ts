import type { AllowlistEntry } from "./config.js";
import type { DraftFinding } from "./detection.js";
import { type CidrRange, inRange, parseCidr } from "./network.js";

/**
 * Allowlist entries (known-good ranges, devices, helpdesk accounts and apps), each with a reason
 * and an expiry. An expired entry suppresses nothing and is reported so someone renews or drops it.
 */
export class Allowlist {
  private readonly active: { entry: AllowlistEntry; range?: CidrRange }[] = [];
  readonly expired: AllowlistEntry[] = [];
  readonly invalid: { entry: AllowlistEntry; reason: string }[] = [];

  constructor(entries: readonly AllowlistEntry[], now: number) {
    for (const entry of entries) {
      if (Date.parse(entry.expires) < now) {
        this.expired.push(entry);
        continue;
      }
      if (entry.kind === "ipRange") {
        const range = parseCidr(entry.value);
        if (!range) {
          this.invalid.push({ entry, reason: `"${entry.value}" is not an IP address or CIDR range` });
          continue;
        }
        this.active.push({ entry, range });
      } else {
        this.active.push({ entry });
      }
    }
  }

  /** The first entry that covers the finding, described for the `suppressedBy` field. */
  match(draft: DraftFinding, userPrincipalName: string | undefined): string | undefined {
    for (const { entry, range } of this.active) {
      const value = entry.value.toLowerCase();
      let hit = false;
      switch (entry.kind) {
        case "ipRange":
          hit = range !== undefined && draft.ip !== undefined && inRange(draft.ip, range);
          break;
        case "device":
          hit =
            draft.object.kind === "device" &&
            (draft.object.deviceObjectId?.toLowerCase() === value ||
              draft.object.deviceId?.toLowerCase() === value);
          break;
        case "account": {
          const initiator = draft.initiator;
          hit =
            initiator?.userId?.toLowerCase() === value ||
            initiator?.userPrincipalName?.toLowerCase() === value ||
            draft.userId.toLowerCase() === value ||
            userPrincipalName?.toLowerCase() === value;
          break;
        }
        case "app":
          hit = draft.initiator?.appId?.toLowerCase() === value;
          break;
      }
      if (hit) return `allowlist ${entry.kind} ${entry.value} (${entry.reason}; until ${entry.expires})`;
    }
    return undefined;
  }
}
