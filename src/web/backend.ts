import type { Finding, Triage } from "../detect/finding.js";
import type { TimelineEvent } from "../report/timeline.js";

/**
 * What the triage console needs from the case. The console only renders and forwards; the work is
 * done by detection (triage storage), the report's timeline, and the eviction planner/executor.
 */
export interface ConsoleBackend {
  listFindings(): Promise<{ findings: Finding[]; triage: Triage[] }>;
  timeline(finding: Finding): Promise<TimelineEvent[]>;
  setTriage(decision: { findingId: string; verdict: Triage["verdict"]; reason?: string }): Promise<void>;
  createPlan(findingIds: string[]): Promise<{ planId: string }>;
  showPlan(planId: string): Promise<PlanView | undefined>;
  /** Applies the plan for real. The console calls it only after the typed confirmation matched. */
  applyPlan(planId: string): Promise<ApplyView>;
  /** Users whose UPN or display name contains `text` (all when empty), at most `limit`. */
  searchUsers(text: string, limit: number): Promise<UserView[]>;
  user(id: string): Promise<UserView | undefined>;
}

export interface PlanView {
  id: string;
  createdAt: string;
  users: { userId: string; userPrincipalName: string; steps: { title: string; detail?: string }[] }[];
  /** Exactly the Graph calls `apply` would make, as the dry-run prints them. */
  dryRun: string[];
  warnings: string[];
}

/** The outcome per user, as `apply --yes` summarises it. */
export interface ApplyView {
  done: number;
  skipped: number;
  failed: { userPrincipalName: string; status: string; reason: string }[];
}

/** One user as the console's user pages show them: inventory and findings, for investigation. */
export interface UserView {
  id: string;
  userPrincipalName: string;
  displayName?: string;
  methods: { id: string; type: string; detail?: string; created?: string }[];
  devices: {
    id: string;
    displayName?: string;
    operatingSystem?: string;
    trustType?: string;
    registered?: string;
    enabled?: boolean;
  }[];
  findingIds: string[];
}
