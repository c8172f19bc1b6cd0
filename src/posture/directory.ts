import type { DirectoryObjectRef, User } from "../graph/types.js";
import type { CaseSnapshot } from "../store/snapshot.js";
import { PRIVILEGED_ROLES } from "./roles.js";

const GROUP_TYPE = "#microsoft.graph.group";

/** Why a user holds a role: directly, or through a (role-assignable) group. */
export interface RoleHolding {
  templateId: string;
  name: string;
  viaGroupId?: string;
}

/**
 * Who is in which group (nested) and which directory roles each user actively holds, resolved
 * once per review from the snapshot. Conditional Access applies to nested group members and only
 * to tenant-wide, active built-in role assignments — AU-scoped assignments and PIM eligibilities do
 * not count (Microsoft's "Users and groups" Conditional Access documentation) — so neither does this.
 */
export class DirectoryIndex {
  readonly usersById = new Map<string, User>();
  private readonly usersByUpn = new Map<string, User>();
  private readonly parentGroups = new Map<string, string[]>();
  private readonly transitiveGroups = new Map<string, ReadonlySet<string>>();
  private readonly roles = new Map<string, RoleHolding[]>();
  private readonly groupNames = new Map<string, string>();
  private readonly roleNames = new Map<string, string>();

  constructor(private readonly snapshot: CaseSnapshot) {
    for (const user of snapshot.users) {
      this.usersById.set(user.id, user);
      this.usersByUpn.set(user.userPrincipalName.toLowerCase(), user);
    }
    for (const group of snapshot.groups) this.groupNames.set(group.id, group.displayName ?? group.id);
    for (const [groupId, members] of snapshot.groupMembers) {
      for (const member of members) {
        const parents = this.parentGroups.get(member.id) ?? [];
        parents.push(groupId);
        this.parentGroups.set(member.id, parents);
      }
    }
    for (const definition of snapshot.roleDefinitions) {
      this.roleNames.set(definition.templateId ?? definition.id, definition.displayName ?? definition.id);
    }
    this.indexRoles();
  }

  /** A user by object id or UPN (case-insensitive). */
  findUser(idOrUpn: string): User | undefined {
    return this.usersById.get(idOrUpn) ?? this.usersByUpn.get(idOrUpn.toLowerCase());
  }

  label(userId: string): string {
    return this.usersById.get(userId)?.userPrincipalName ?? userId;
  }

  groupName(groupId: string): string {
    return this.groupNames.get(groupId) ?? groupId;
  }

  roleName(templateId: string): string {
    return PRIVILEGED_ROLES[templateId] ?? this.roleNames.get(templateId) ?? templateId;
  }

  /** Every group the object is a member of, directly or through nesting (cycles tolerated). */
  groupsOf(objectId: string): ReadonlySet<string> {
    const cached = this.transitiveGroups.get(objectId);
    if (cached) return cached;
    const seen = new Set<string>();
    const queue = [...(this.parentGroups.get(objectId) ?? [])];
    while (queue.length > 0) {
      const groupId = queue.pop()!;
      if (seen.has(groupId)) continue;
      seen.add(groupId);
      queue.push(...(this.parentGroups.get(groupId) ?? []));
    }
    this.transitiveGroups.set(objectId, seen);
    return seen;
  }

  /** The chain from a member up to an ancestor group, for evidence ("via Helpdesk → IT Staff"). */
  membershipPath(objectId: string, ancestorGroupId: string): string[] {
    const previous = new Map<string, string>();
    const queue = [objectId];
    const seen = new Set<string>([objectId]);
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (current === ancestorGroupId) break;
      for (const parent of this.parentGroups.get(current) ?? []) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        previous.set(parent, current);
        queue.push(parent);
      }
    }
    if (!previous.has(ancestorGroupId)) return [];
    const path: string[] = [];
    for (let node = ancestorGroupId; node !== objectId; node = previous.get(node)!) path.unshift(node);
    return path;
  }

  /** Users in a group, including members of nested groups. */
  transitiveUserMembers(groupId: string): string[] {
    const users = new Set<string>();
    const seen = new Set<string>();
    const queue = [groupId];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const member of this.snapshot.groupMembers.get(current) ?? []) {
        if (member["@odata.type"] === GROUP_TYPE) queue.push(member.id);
        else if (isUserRef(member)) users.add(member.id);
      }
    }
    return [...users];
  }

  /**
   * Groups under `rootIds` (the roots and every nested group) whose members are not in the case:
   * nobody can be placed in them, so coverage through them is unknown rather than absent.
   */
  unresolvedGroups(rootIds: Iterable<string>): { groupId: string; name: string; nestedIn?: string }[] {
    const out: { groupId: string; name: string; nestedIn?: string }[] = [];
    const seen = new Set<string>();
    const queue: [string, string | undefined][] = [...rootIds].map((id) => [id, undefined]);
    while (queue.length > 0) {
      const [groupId, parent] = queue.shift()!;
      if (seen.has(groupId)) continue;
      seen.add(groupId);
      const members = this.snapshot.groupMembers.get(groupId);
      if (!members) {
        out.push({
          groupId,
          name: this.groupName(groupId),
          ...(parent ? { nestedIn: this.groupName(parent) } : {}),
        });
        continue;
      }
      for (const member of members)
        if (member["@odata.type"] === GROUP_TYPE) queue.push([member.id, groupId]);
    }
    return out;
  }

  rolesOf(userId: string): RoleHolding[] {
    return this.roles.get(userId) ?? [];
  }

  /** Users holding any role in `PRIVILEGED_ROLES` or a role the tenant marks `isPrivileged`. */
  privilegedUserIds(): string[] {
    const privilegedDefinitions = new Set(
      this.snapshot.roleDefinitions.filter((d) => d.isPrivileged).map((d) => d.templateId ?? d.id),
    );
    const out: string[] = [];
    for (const [userId, holdings] of this.roles) {
      if (holdings.some((h) => h.templateId in PRIVILEGED_ROLES || privilegedDefinitions.has(h.templateId))) {
        out.push(userId);
      }
    }
    return out;
  }

  private indexRoles(): void {
    const templateOf = new Map<string, string>();
    for (const definition of this.snapshot.roleDefinitions) {
      templateOf.set(definition.id, definition.templateId ?? definition.id);
    }
    for (const assignment of this.snapshot.roleAssignments) {
      const scope = assignment.directoryScopeId ?? "/";
      if (scope !== "/") continue;
      // Built-in roles use the template id as definition id; custom roles map through the definition.
      const templateId = templateOf.get(assignment.roleDefinitionId) ?? assignment.roleDefinitionId;
      const name = this.roleName(templateId);
      const principal = assignment.principalId;
      if (this.usersById.has(principal)) {
        this.addRole(principal, { templateId, name });
      } else if (this.snapshot.groupMembers.has(principal) || this.groupNames.has(principal)) {
        for (const userId of this.transitiveUserMembers(principal)) {
          this.addRole(userId, { templateId, name, viaGroupId: principal });
        }
      }
    }
  }

  private addRole(userId: string, holding: RoleHolding): void {
    const list = this.roles.get(userId) ?? [];
    if (!list.some((h) => h.templateId === holding.templateId && h.viaGroupId === holding.viaGroupId)) {
      list.push(holding);
    }
    this.roles.set(userId, list);
  }
}

function isUserRef(member: DirectoryObjectRef): boolean {
  return member["@odata.type"] === "#microsoft.graph.user" || member.userPrincipalName != null;
}
