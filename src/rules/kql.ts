import { kqlCondition, kqlString, PHONE_IN_TEXT } from "./condition.js";
import { AUDIT_FIELDS, KQL_AUDITS_VIEW, KQL_SIGNINS_VIEW, SIGNIN_FIELDS } from "./fields.js";
import type { AuditField, BaselineIntent, BurstIntent, Condition, RuleIntent, SignInField } from "./model.js";

/**
 * Renders a rule intent to a KQL query over SigninLogs, AADNonInteractiveUserSignInLogs and
 * AuditLogs, with the semantics ./evaluate.ts implements on Graph records. Every query ends with
 * the columns the Sentinel entity mappings use: AccountUpn (and AccountId where known) and IPAddress.
 */

export interface KqlSchedule {
  queryFrequency: string;
  queryPeriod: string;
}

/** How often each kind of rule runs and how much data it reads (Sentinel: period ≤ 14d). */
export function scheduleOf(intent: RuleIntent): KqlSchedule {
  switch (intent.kind) {
    case "event":
      return { queryFrequency: "1h", queryPeriod: "1h" };
    case "burst":
      return { queryFrequency: "1h", queryPeriod: "2h" };
    case "baseline":
      return { queryFrequency: "1h", queryPeriod: "14d" };
    case "sharedValue":
      return { queryFrequency: "1d", queryPeriod: "14d" };
  }
}

const auditWhere = (c: Condition<AuditField>) => kqlCondition(c, (f) => AUDIT_FIELDS[f].kql);
const signInWhere = (c: Condition<SignInField>) => kqlCondition(c, (f) => SIGNIN_FIELDS[f].kql);

function eventQuery(intent: RuleIntent & { kind: "event" }): string {
  if (intent.source === "signins") {
    return `${KQL_SIGNINS_VIEW}
SignIns
| where TimeGenerated > ago(1h)
| where ${signInWhere(intent.where)}
| project TimeGenerated, AccountUpn = Upn, AccountId = UserId, IPAddress, ResultType, StatusDetail,
    Resource, AppId, AuthRequirement, Protocol, DeviceName, DeviceId, SignInId = Id`;
  }
  return `${KQL_AUDITS_VIEW}
Audits
| where TimeGenerated > ago(1h)
| where ${auditWhere(intent.where)}
| project TimeGenerated, AccountUpn = SubjectUpn, AccountId = SubjectId, IPAddress = InitiatorIp,
    Activity = OperationName, Reason, InitiatorUpn, InitiatorApp, TargetName, CorrelationId, AuditId = Id`;
}

function burstQuery(intent: BurstIntent): string {
  const back = intent.threshold - 1;
  const window = `${intent.windowMinutes}m`;
  // Sorting serializes the rows, so prev() sees the record `threshold - 1` places earlier: an
  // exact sliding window, as ./evaluate.ts computes it.
  if (intent.source === "audits") {
    return `${KQL_AUDITS_VIEW}
Audits
| where TimeGenerated > ago(1h + ${window})
| where ${auditWhere(intent.where)}
| where isnotempty(SubjectUpn)
| summarize TimeGenerated = min(TimeGenerated), InitiatorIp = take_any(InitiatorIp), SubjectId = take_any(SubjectId)
    by SubjectUpn, TargetId
| sort by SubjectUpn asc, TimeGenerated asc
| extend WindowStart = prev(TimeGenerated, ${back}), WindowUser = prev(SubjectUpn, ${back})
| where WindowUser == SubjectUpn and TimeGenerated - WindowStart <= ${window}
| summarize FirstHit = min(TimeGenerated), WindowsOverThreshold = count(), IPAddress = take_any(InitiatorIp),
    AccountId = take_any(SubjectId) by AccountUpn = SubjectUpn`;
  }
  const unseen = intent.fromUnseenIp;
  // Failures from an IP the user had a successful sign-in from in the baseline period do not count.
  const unseenFilter = unseen
    ? `
| join kind=leftouter (SignIns
    | where TimeGenerated > ago(2h + ${unseen.lookbackDays}d)
    | where ResultType == "0"
    | project UserId, SeenTime = TimeGenerated, SeenIp = IPAddress) on UserId
| summarize Seen = countif(SeenIp == IPAddress and SeenTime >= TimeGenerated - ${unseen.lookbackDays}d
    and SeenTime < TimeGenerated - ${unseen.gapHours}h) by Id, Upn, UserId, TimeGenerated, IPAddress
| where Seen == 0`
    : "";
  const hits = `SignIns
| where TimeGenerated > ago(2h)
| where ${signInWhere(intent.where)}
| where isnotempty(Upn)${unseenFilter}
| sort by Upn asc, TimeGenerated asc
| extend WindowStart = prev(TimeGenerated, ${back}), WindowUser = prev(Upn, ${back})
| where WindowUser == Upn and TimeGenerated - WindowStart <= ${window}`;
  if (intent.successWithinMinutes === undefined) {
    return `${KQL_SIGNINS_VIEW}
${hits}
| summarize FirstHit = min(TimeGenerated), IPAddress = take_any(IPAddress), AccountId = take_any(UserId) by AccountUpn = Upn`;
  }
  return `${KQL_SIGNINS_VIEW}
let Hits = ${hits}
| project Upn, UserId, HitTime = TimeGenerated, DenialIp = IPAddress;
let Successes = SignIns
| where TimeGenerated > ago(2h)
| where ResultType == "0"
| project Upn, SuccessTime = TimeGenerated, IPAddress;
Hits
| join kind=inner (Successes) on Upn
| where SuccessTime > HitTime and SuccessTime <= HitTime + ${intent.successWithinMinutes}m
| summarize FirstHit = min(HitTime), FirstSuccess = min(SuccessTime), DenialIps = make_set(DenialIp, 10),
    IPAddress = take_any(IPAddress), AccountId = take_any(UserId) by AccountUpn = Upn`;
}

function baselineQuery(intent: BaselineIntent): string {
  const anchors = `let Anchors = Audits
| where TimeGenerated > ago(1h)
| where ${auditWhere(intent.where)}
| where isnotempty(SubjectId)${intent.test === "unseenIp" ? " and isnotempty(InitiatorIp)" : ""}
| project AnchorTime = TimeGenerated, AuditId = Id, SubjectId, SubjectUpn, InitiatorIp,
    Activity = OperationName, Reason, TargetName;`;
  const summarizeBy = "AuditId, AnchorTime, SubjectId, SubjectUpn, InitiatorIp, Activity, Reason, TargetName";
  const output = `| project AnchorTime, AccountUpn = SubjectUpn, AccountId = SubjectId, IPAddress = InitiatorIp, Activity,
    Reason, TargetName, AuditId`;
  if (intent.test === "singleFactorSession") {
    const window = `${intent.windowMinutes}m`;
    return `${KQL_AUDITS_VIEW}
${KQL_SIGNINS_VIEW}
${anchors}
let Sessions = SignIns
| where TimeGenerated > ago(1h + ${window})
| where ResultType == "0" and AuthRequirement =~ "singleFactorAuthentication"
| project UserId, SessionTime = TimeGenerated, SessionIp = IPAddress;
let Created = Audits
| where TimeGenerated > ago(1h + ${intent.newAccountDays}d)
| where OperationName =~ "Add user"
| project CreatedId = TargetId;
Anchors
| join kind=inner (Sessions) on $left.SubjectId == $right.UserId
| where SessionTime between ((AnchorTime - ${window}) .. AnchorTime)
| summarize SingleFactorSignIns = count(), SessionIps = make_set(SessionIp, 10) by ${summarizeBy}
| join kind=leftanti (Created) on $left.SubjectId == $right.CreatedId
${output}, SingleFactorSignIns, SessionIps`;
  }
  const gap = `${intent.gapHours}h`;
  if (intent.test === "afterRiskySignIn") {
    return `${KQL_AUDITS_VIEW}
${KQL_SIGNINS_VIEW}
${anchors}
let Risky = SignIns
| where TimeGenerated > ago(1h + ${gap})
| where Risk in~ (${intent.riskLevels.map(kqlString).join(", ")})
| project UserId, RiskyTime = TimeGenerated, RiskyIp = IPAddress, Risk;
Anchors
| join kind=inner (Risky) on $left.SubjectId == $right.UserId
| where RiskyTime between ((AnchorTime - ${gap}) .. AnchorTime)
| summarize RiskySignIns = count(), RiskyIps = make_set(RiskyIp, 10), RiskLevels = make_set(Risk, 4) by ${summarizeBy}
${output}, RiskySignIns, RiskyIps, RiskLevels`;
  }
  const lookback = `${intent.lookbackDays}d`;
  const history = `let History = SignIns
| where TimeGenerated > ago(1h + ${lookback})
| where ResultType == "0"
| project UserId, SignInTime = TimeGenerated, SignInIp = IPAddress;`;
  if (intent.test === "unseenIp") {
    return `${KQL_AUDITS_VIEW}
${KQL_SIGNINS_VIEW}
${anchors}
${history}
Anchors
| join kind=inner (History) on $left.SubjectId == $right.UserId
| where SignInTime >= AnchorTime - ${lookback} and SignInTime < AnchorTime - ${gap}
| summarize BaselineSignIns = count(), SeenFromIp = countif(SignInIp == InitiatorIp) by ${summarizeBy}
| where BaselineSignIns >= ${intent.minBaseline} and SeenFromIp == 0
${output}, BaselineSignIns`;
  }
  return `${KQL_AUDITS_VIEW}
${KQL_SIGNINS_VIEW}
${anchors}
${history}
let Created = Audits
| where TimeGenerated > ago(1h + ${lookback})
| where OperationName =~ "Add user"
| project CreatedId = TargetId;
Anchors
| join kind=leftouter (History) on $left.SubjectId == $right.UserId
| summarize BaselineSignIns = countif(SignInTime >= AnchorTime - ${lookback} and SignInTime < AnchorTime - ${gap}) by ${summarizeBy}
| where BaselineSignIns == 0
| join kind=leftanti (Created) on $left.SubjectId == $right.CreatedId
${output}`;
}

function sharedValueQuery(intent: RuleIntent & { kind: "sharedValue" }): string {
  return `${KQL_AUDITS_VIEW}
Audits
| where TimeGenerated > ago(${intent.lookbackDays}d)
| where ${auditWhere(intent.where)}
| where isnotempty(SubjectUpn)
| extend Phones = extract_all(@'${PHONE_IN_TEXT}', Details)
| mv-expand Phone = Phones to typeof(string)
| extend Phone = strcat("+", replace_regex(Phone, @'[^0-9]', ""))
| summarize Users = dcount(SubjectUpn), UserList = make_set(SubjectUpn, 50), FirstSeen = min(TimeGenerated),
    LastSeen = max(TimeGenerated), IPAddress = take_any(InitiatorIp) by Phone
| where Users >= ${intent.minUsers}
| mv-expand AccountUpn = UserList to typeof(string)
| project Phone, Users, AccountUpn, IPAddress, FirstSeen, LastSeen`;
}

export function renderKql(intent: RuleIntent): string {
  switch (intent.kind) {
    case "event":
      return eventQuery(intent);
    case "burst":
      return burstQuery(intent);
    case "baseline":
      return baselineQuery(intent);
    case "sharedValue":
      return sharedValueQuery(intent);
  }
}
