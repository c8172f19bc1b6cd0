/**
 * The workforce: users with personas, home networks and working hours; their authentication methods
 * and devices; groups (with nesting) and directory role assignments; and, for people hired inside the
 * history window, the onboarding audit trail.
 */
import type {
  AuthenticationMethod,
  DeviceDetail,
  DirectoryAudit,
  UnifiedRoleAssignment,
} from "../../graph/types.js";
import { FIXED_METHOD_IDS } from "../../graph/types.js";
import {
  CITIES,
  type City,
  DEPARTMENTS,
  FIDO2_MODELS,
  GIVEN_NAMES,
  INTUNE_MDM_APP_ID,
  MAC_VERSIONS,
  PHONE_MODELS,
  type PhoneModel,
  ROLES,
  SKUS,
  SURNAMES,
  TRAVEL_CITIES,
  WINDOWS_VERSIONS,
} from "./catalog.js";
import type { Rng } from "./prng.js";
import { type Actor, audit, deviceDetailOf, locationOf, userTarget } from "./records.js";
import { deviceRegisteredAudits, methodAddedAudits, registrationCompletedAudit } from "./registration.js";
import type { MethodEntry, TenantDevice, TenantGroup, TenantUser } from "./schema.js";
import { DAY_MS, HOUR_MS, MINUTE_MS, type Person, type Persona, type World } from "./world.js";

const YEAR_MS = 365 * DAY_MS;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** ASCII local part of a UPN: diacritics folded, apostrophes and spaces dropped. */
export function upnLocalPart(given: string, surname: string): string {
  const fold = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[Åå]/g, "a")
      .replace(/[Øø]/g, "o")
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "");
  return `${fold(given)}.${fold(surname)}`;
}

/** Formats an E.164 number the way Graph returns it: "+CC NNNNNNNNN". */
export function phoneNumberFor(city: City, rng: Rng, used: Set<string>): string {
  for (;;) {
    let national: string;
    switch (city.dial) {
      case "+1":
        national = `${rng.range(201, 989)}555${rng.digits(4)}`;
        break;
      case "+44":
        national = `7700${rng.digits(6)}`;
        break;
      case "+49":
        national = `15${rng.range(1, 7)}${rng.digits(8)}`;
        break;
      case "+33":
        national = `6${rng.digits(8)}`;
        break;
      case "+91":
        national = `9${rng.digits(9)}`;
        break;
      default:
        national = `6${rng.digits(8)}`;
    }
    const number = `${city.dial} ${national}`;
    if (!used.has(number)) {
      used.add(number);
      return number;
    }
  }
}

export function randomIp(prefix: string, rng: Rng): string {
  return `${prefix}.${rng.range(0, 255)}.${rng.range(1, 254)}`;
}

function hhmm(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

type MethodMix =
  | "authPhone"
  | "authPhoneFido"
  | "whfb"
  | "authOnly"
  | "sms"
  | "oath"
  | "none"
  | "adminStrong"
  | "breakGlass";

const STAFF_MIX: readonly (readonly [MethodMix, number])[] = [
  ["authPhone", 62],
  ["authPhoneFido", 10],
  ["whfb", 10],
  ["authOnly", 5],
  ["sms", 5],
  ["oath", 3],
  ["none", 5],
];

export interface PeopleOptions {
  users: number;
  orgCode: string;
}

/** Builds users, methods, devices, groups and role assignments into `world`; returns onboarding audits. */
export function buildPeople(world: World, opts: PeopleOptions): DirectoryAudit[] {
  const rng = world.rng.fork("people");
  const { doc } = world;
  const audits: DirectoryAudit[] = [];
  const upnCounts = new Map<string, number>();
  const adminCount = Math.min(8, Math.max(3, Math.round(opts.users / 1000)));
  const helpdeskCount = Math.min(40, Math.max(2, Math.round(opts.users / 250)));
  const cityWeights = CITIES.map((c, i) => [c, i < 4 ? 14 : 4] as const);
  const deptWeights = DEPARTMENTS.map((d) => [d, d.weight] as const);

  for (let i = 0; i < opts.users; i++) {
    const persona: Persona =
      i < 2
        ? "breakGlass"
        : i < 2 + adminCount
          ? "admin"
          : i < 2 + adminCount + helpdeskCount
            ? "helpdesk"
            : "staff";
    const home = i < 2 ? CITIES[0]! : rng.weighted(cityWeights);
    const dept =
      persona === "staff"
        ? rng.weighted(deptWeights)
        : persona === "breakGlass"
          ? null
          : DEPARTMENTS.find((d) => d.name === "Operations")!;
    const given = persona === "breakGlass" ? "Emergency" : rng.pick(GIVEN_NAMES);
    const surname = persona === "breakGlass" ? `Access 0${i + 1}` : rng.pick(SURNAMES);
    let local = persona === "breakGlass" ? `breakglass0${i + 1}` : upnLocalPart(given, surname);
    const seen = upnCounts.get(local) ?? 0;
    upnCounts.set(local, seen + 1);
    if (seen > 0) local = `${local}${seen + 1}`;
    const upn = `${local}@${world.domain}`;
    // The first staff account is always dormant, so even a tiny tenant has an APT29-style target.
    const firstStaff = i === 2 + adminCount + helpdeskCount;
    const dormant = persona === "staff" && (firstStaff || rng.chance(0.03));
    const newHire = persona === "staff" && !dormant && rng.chance(0.04);
    const createdMs = newHire
      ? world.startMs + rng.int(Math.max(1, world.days - 1)) * DAY_MS + 8 * HOUR_MS
      : world.startMs - (30 * DAY_MS + rng.int(6 * YEAR_MS));
    const jobTitle =
      persona === "admin"
        ? "Systems Administrator"
        : persona === "helpdesk"
          ? "IT Support Specialist"
          : dept
            ? rng.pick(dept.titles)
            : null;
    const officeNet =
      persona !== "breakGlass" && rng.chance(0.8)
        ? world.officeNetworks.find((o) => o.city === home)
        : undefined;
    const ispThird = rng.range(0, 255);
    const homeIp = `${home.ispPrefix}.${ispThird}.${rng.range(1, 254)}`;
    const officeIp = officeNet ? `${officeNet.prefix}.${rng.range(17, 30)}` : null;
    const localStart = rng.range(7 * 60, 10 * 60);
    const startUtc = Math.round(localStart - home.utcOffset * 60);
    const endUtc = startUtc + rng.range(8 * 60, 9 * 60 + 30);
    const travel = rng.pick(TRAVEL_CITIES);
    const user: TenantUser = {
      id: rng.guid(),
      userPrincipalName: upn,
      displayName: `${given} ${surname}`,
      mail: persona === "breakGlass" ? null : upn,
      givenName: given,
      surname,
      jobTitle,
      department: dept?.name ?? null,
      usageLocation: home.country,
      country: home.country,
      city: home.city,
      userType: "Member",
      accountEnabled: true,
      createdDateTime: new Date(createdMs).toISOString().replace(".000Z", "Z"),
      onPremisesSyncEnabled: null,
      lastPasswordChangeDateTime: new Date(Math.max(createdMs, world.startMs - rng.int(200) * DAY_MS))
        .toISOString()
        .replace(".000Z", "Z"),
      assignedLicenses:
        persona === "breakGlass"
          ? []
          : [{ skuId: persona === "staff" && rng.chance(0.3) ? SKUS.e3 : SKUS.e5, disabledPlans: [] }],
      profile: {
        homeCountry: home.country,
        homeCity: home.city,
        ipRanges: [`${home.ispPrefix}.${ispThird}.0/24`, ...(officeNet ? [officeNet.cidr] : [])],
        asn: officeNet ? officeNet.asn : home.ispAsn,
        workHours: {
          start: hhmm(localStart),
          end: hhmm(localStart + (endUtc - startUtc)),
          timezone: home.timezone,
        },
        ...(dormant ? { dormant: true } : {}),
        ...(persona === "breakGlass" ? { breakGlass: true } : {}),
        travelCountries: [travel.country],
        persona,
      },
    };
    doc.users.push(user);

    const person: Person = {
      user,
      persona,
      home,
      homeIp,
      officeIp,
      officeAsn: officeNet ? officeNet.asn : home.ispAsn,
      location: locationOf(home),
      workStartUtc: startUtc,
      workEndUtc: endUtc,
      dormant,
      mfa: null,
      laptop: null,
      laptopDetail: deviceDetailOf({ operatingSystem: "Windows10", browser: "Edge 130.0.0" }),
      phone: null,
      phoneDetail: deviceDetailOf({ operatingSystem: "Ios", browser: "Mobile Safari" }),
      browserDetail: deviceDetailOf({ operatingSystem: "Windows10", browser: "Edge 130.0.0" }),
      createdMs,
      trip: null,
    };
    if (persona === "staff" && !dormant && !newHire && rng.chance(0.03)) {
      const from = rng.int(Math.max(1, world.days - 3));
      person.trip = {
        from,
        to: Math.min(world.days - 1, from + rng.range(2, 5)),
        city: travel,
        ip: randomIp(travel.ispPrefix, rng),
        location: locationOf(travel),
      };
    }
    world.people.push(person);
    world.byId.set(user.id, person);

    const mix: MethodMix =
      persona === "breakGlass"
        ? "breakGlass"
        : persona === "admin"
          ? "adminStrong"
          : persona === "helpdesk"
            ? rng.chance(0.5)
              ? "authPhoneFido"
              : "authPhone"
            : dormant
              ? firstStaff || rng.chance(0.6)
                ? "none"
                : "sms"
              : rng.weighted(STAFF_MIX);
    const phoneModel = rng.pick(PHONE_MODELS);
    const onboardAt = newHire ? createdMs + DAY_MS + HOUR_MS : createdMs + HOUR_MS;
    const devices = buildDevices(world, person, mix, phoneModel, onboardAt, opts.orgCode, rng);
    const methods = buildMethods(world, person, mix, phoneModel, onboardAt, rng);
    if (newHire) {
      audits.push(...onboardingAudits(world, person, methods, devices, rng));
    }
  }

  buildGroupsAndRoles(world, rng);
  return audits;
}

function buildDevices(
  world: World,
  p: Person,
  mix: MethodMix,
  phoneModel: PhoneModel,
  at: number,
  orgCode: string,
  rng: Rng,
): TenantDevice[] {
  const out: TenantDevice[] = [];
  const iso = new Date(at).toISOString().replace(".000Z", "Z");
  if (p.persona !== "breakGlass" && !p.dormant && (mix === "whfb" || rng.chance(0.9))) {
    const mac = mix !== "whfb" && rng.chance(0.15);
    const version = mac ? rng.pick(MAC_VERSIONS) : rng.pick(WINDOWS_VERSIONS);
    const laptop: TenantDevice = {
      id: rng.guid(),
      deviceId: rng.guid(),
      displayName: mac ? `${p.user.givenName}'s MacBook Pro` : `${orgCode}-${rng.chars(ALNUM, 7)}`,
      accountEnabled: true,
      operatingSystem: mac ? "MacMDM" : "Windows",
      operatingSystemVersion: version,
      trustType: mac ? "Workplace" : "AzureAd",
      profileType: "RegisteredDevice",
      registrationDateTime: iso,
      approximateLastSignInDateTime: iso,
      isCompliant: rng.chance(0.95),
      isManaged: true,
      manufacturer: mac ? "Apple" : rng.pick(["Dell Inc.", "LENOVO", "HP", "Microsoft Corporation"]),
      model: mac
        ? "MacBookPro18,3"
        : rng.pick([
            "Latitude 7440",
            "ThinkPad X1 Carbon Gen 11",
            "HP EliteBook 840 G10",
            "Surface Laptop 5",
          ]),
      managementType: "MDM",
      mdmAppId: INTUNE_MDM_APP_ID,
      deviceOwnership: "Company",
      enrollmentType: mac ? "AppleUserEnrollment" : "AzureDomainJoined",
      physicalIds: [],
      systemLabels: [],
      ownerIds: [p.user.id],
      userIds: [p.user.id],
    };
    out.push(laptop);
    p.laptop = laptop;
    p.laptopDetail = deviceDetailOf({
      deviceId: laptop.deviceId,
      displayName: laptop.displayName,
      operatingSystem: mac ? "MacOs" : "Windows10",
      browser: mac ? "Chrome 130.0.0" : "Edge 130.0.0",
      isCompliant: laptop.isCompliant,
      isManaged: true,
      trustType: mac ? "Azure AD registered" : "Azure AD joined",
    });
    p.browserDetail = p.laptopDetail;
  }
  if (p.persona !== "breakGlass" && !p.dormant && rng.chance(0.45)) {
    const version = rng.pick(phoneModel.osVersions);
    const phone: TenantDevice = {
      id: rng.guid(),
      deviceId: rng.guid(),
      displayName: phoneModel.displayName,
      accountEnabled: true,
      operatingSystem: phoneModel.os,
      operatingSystemVersion: version,
      trustType: "Workplace",
      profileType: "RegisteredDevice",
      registrationDateTime: new Date(at + 20 * MINUTE_MS).toISOString().replace(".000Z", "Z"),
      approximateLastSignInDateTime: iso,
      isCompliant: null,
      isManaged: false,
      manufacturer:
        phoneModel.os === "iOS" ? "Apple" : phoneModel.displayName.startsWith("Pixel") ? "Google" : "samsung",
      model: phoneModel.displayName,
      managementType: null,
      mdmAppId: null,
      deviceOwnership: "Personal",
      physicalIds: [],
      systemLabels: [],
      ownerIds: [p.user.id],
      userIds: [p.user.id],
    };
    out.push(phone);
    p.phone = phone;
    p.phoneDetail = deviceDetailOf({
      deviceId: phone.deviceId,
      displayName: phone.displayName,
      operatingSystem: phoneModel.os === "iOS" ? "Ios" : "Android",
      browser: phoneModel.os === "iOS" ? "Mobile Safari" : "Chrome Mobile",
      isCompliant: null,
      isManaged: false,
      trustType: "Azure AD registered",
    });
  }
  world.doc.devices.push(...out);
  return out;
}

export function authenticatorMethod(rng: Rng, model: PhoneModel): AuthenticationMethod {
  return {
    "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
    id: rng.guid(),
    displayName: model.displayName,
    deviceTag: "SoftwareTokenActivated",
    phoneAppVersion: rng.pick(model.appVersions),
    createdDateTime: null,
  };
}

export function phoneMethod(
  number: string,
  phoneType: "mobile" | "alternateMobile" | "office" = "mobile",
): AuthenticationMethod {
  return {
    "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
    id: FIXED_METHOD_IDS[phoneType],
    phoneNumber: number,
    phoneType,
    smsSignInState: "notAllowedByPolicy",
  };
}

export function fido2Method(rng: Rng, at: number, pickIndex?: number): AuthenticationMethod {
  const key =
    pickIndex === undefined
      ? rng.pick(FIDO2_MODELS.slice(0, 3))
      : FIDO2_MODELS[pickIndex % FIDO2_MODELS.length]!;
  return {
    "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
    id: rng.chars(BASE64URL, 22),
    displayName: key.displayName,
    createdDateTime: new Date(at).toISOString().replace(".000Z", "Z"),
    aaGuid: key.aaGuid,
    model: key.model,
    attestationCertificates: key.model.startsWith("Microsoft") ? [] : [rng.hex(40)],
    attestationLevel: key.model.startsWith("Microsoft") ? "notAttested" : "attested",
  };
}

function buildMethods(
  world: World,
  p: Person,
  mix: MethodMix,
  phoneModel: PhoneModel,
  at: number,
  rng: Rng,
): MethodEntry[] {
  const userId = p.user.id;
  const created = new Date(at).toISOString().replace(".000Z", "Z");
  const entries: MethodEntry[] = [
    {
      userId,
      method: {
        "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
        id: FIXED_METHOD_IDS.password,
        password: null,
        createdDateTime: null,
      },
    },
  ];
  const add = (method: AuthenticationMethod, isDefault = false) => {
    entries.push(isDefault ? { userId, method, isDefault: true } : { userId, method });
  };
  const phone = () => phoneMethod(phoneNumberFor(p.home, rng, world.usedPhoneNumbers));
  switch (mix) {
    case "authPhone":
    case "authPhoneFido":
    case "whfb":
    case "authOnly":
    case "adminStrong":
      add(authenticatorMethod(rng, phoneModel), mix !== "adminStrong");
      if (mix !== "authOnly") add(phone());
      if (mix === "authPhoneFido" || mix === "adminStrong") add(fido2Method(rng, at + 5 * MINUTE_MS), false);
      if (mix === "whfb" && p.laptop) {
        add({
          "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
          id: rng.guid(),
          displayName: p.laptop.displayName ?? null,
          createdDateTime: created,
          keyStrength: "normal",
        });
      }
      p.mfa = mix === "adminStrong" ? "fido2" : "push";
      if (mix === "adminStrong")
        entries[entries.length - 1] = { ...entries[entries.length - 1]!, isDefault: true };
      break;
    case "sms":
      add(phone(), true);
      p.mfa = "sms";
      break;
    case "oath":
      add(
        {
          "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod",
          id: rng.guid(),
          secretKey: null,
          createdDateTime: created,
        },
        true,
      );
      add(phone());
      p.mfa = "oath";
      break;
    case "breakGlass":
      add(fido2Method(rng, at, 0), true);
      add(fido2Method(rng, at + MINUTE_MS, 1));
      p.mfa = "fido2";
      break;
    case "none":
      p.mfa = null;
      break;
  }
  if (mix !== "none" && mix !== "breakGlass" && rng.chance(0.2)) {
    add({
      "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
      id: FIXED_METHOD_IDS.email,
      emailAddress: `${upnLocalPart(p.user.givenName ?? "user", p.user.surname ?? "")}${rng.range(1, 99)}@${rng.pick(["outlook.com", "gmail.com", "proton.me"])}`,
    });
  }
  world.doc.methods.push(...entries);
  return entries;
}

function onboardingAudits(
  world: World,
  p: Person,
  methods: MethodEntry[],
  devices: TenantDevice[],
  rng: Rng,
): DirectoryAudit[] {
  const actor: Actor = p.user;
  const admin = world.people.find((x) => x.persona === "admin");
  const out: DirectoryAudit[] = [];
  if (admin) {
    out.push(
      audit(
        {
          at: p.createdMs,
          activity: "Add user",
          category: "UserManagement",
          service: "Core Directory",
          operationType: "Add",
          initiator: { user: admin.user, ip: admin.officeIp ?? admin.homeIp },
          targets: [userTarget(actor)],
          additionalDetails: [{ key: "UserType", value: "Member" }],
        },
        rng,
      ),
    );
  }
  const ip = p.officeIp ?? p.homeIp;
  let at = p.createdMs + DAY_MS + HOUR_MS;
  for (const d of devices) {
    out.push(...deviceRegisteredAudits({ at: at - 30 * MINUTE_MS, user: actor, ip, device: d }, rng));
  }
  for (const m of methods) {
    if (m.method["@odata.type"] === "#microsoft.graph.passwordAuthenticationMethod") continue;
    out.push(...methodAddedAudits({ at, user: actor, ip, method: m.method }, rng));
    at += 2 * MINUTE_MS;
  }
  if (methods.length > 1) out.push(registrationCompletedAudit(at, actor, ip, rng));
  return out;
}

function groupOf(rng: Rng, displayName: string, members: string[], isAssignableToRole = false): TenantGroup {
  return {
    id: rng.guid(),
    displayName,
    mailNickname: displayName.replace(/[^A-Za-z0-9]/g, ""),
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
    isAssignableToRole,
    members,
  };
}

function roleAssignmentId(rng: Rng): string {
  return `${rng.chars(BASE64URL, 43)}-1`;
}

function buildGroupsAndRoles(world: World, rng: Rng): void {
  const { doc, people } = world;
  const ids = (filter: (p: Person) => boolean) => people.filter(filter).map((p) => p.user.id);
  const breakGlass = groupOf(
    rng,
    "Break Glass Accounts",
    ids((p) => p.persona === "breakGlass"),
    true,
  );
  const admins = groupOf(
    rng,
    "IT Administrators",
    ids((p) => p.persona === "admin"),
    true,
  );
  const helpdesk = groupOf(
    rng,
    "Helpdesk Team",
    ids((p) => p.persona === "helpdesk"),
  );
  const departments = DEPARTMENTS.map((d) =>
    groupOf(
      rng,
      `Dept - ${d.name}`,
      ids((p) => p.user.department === d.name && p.persona === "staff"),
    ),
  );
  const allDepartments = groupOf(
    rng,
    "All Departments",
    departments.map((g) => g.id),
  );
  const itStaff = groupOf(rng, "IT Staff", [admins.id, helpdesk.id]);
  const everyone = groupOf(
    rng,
    "All Employees",
    ids((p) => p.persona !== "breakGlass"),
  );
  doc.groups.push(everyone, allDepartments, ...departments, itStaff, admins, helpdesk, breakGlass);

  const assign = (principalId: string, roleDefinitionId: string): UnifiedRoleAssignment => ({
    id: roleAssignmentId(rng),
    principalId,
    roleDefinitionId,
    directoryScopeId: "/",
  });
  const byPersona = (persona: Persona) => people.filter((p) => p.persona === persona);
  for (const p of byPersona("breakGlass"))
    doc.roleAssignments.push(assign(p.user.id, ROLES.globalAdministrator.id));
  const adminRoles = [
    [ROLES.globalAdministrator.id],
    [ROLES.privilegedRoleAdministrator.id, ROLES.privilegedAuthenticationAdministrator.id],
    [ROLES.securityAdministrator.id],
    [ROLES.conditionalAccessAdministrator.id],
    [ROLES.userAdministrator.id],
    [ROLES.intuneAdministrator.id, ROLES.cloudDeviceAdministrator.id],
    [ROLES.applicationAdministrator.id],
    [ROLES.authenticationPolicyAdministrator.id],
  ];
  byPersona("admin").forEach((p, i) => {
    for (const role of adminRoles[i % adminRoles.length]!) doc.roleAssignments.push(assign(p.user.id, role));
  });
  byPersona("helpdesk").forEach((p, i) => {
    doc.roleAssignments.push(
      assign(p.user.id, i % 4 === 0 ? ROLES.authenticationAdministrator.id : ROLES.helpdeskAdministrator.id),
    );
  });
  for (const app of doc.apps) {
    for (const role of app.directoryRoles) doc.roleAssignments.push(assign(app.servicePrincipalId, role));
  }
}

/** Picks a person matching `filter` deterministically, or throws naming what was looked for. */
export function pickPerson(world: World, rng: Rng, what: string, filter: (p: Person) => boolean): Person {
  const candidates = world.people.filter(filter);
  if (candidates.length === 0)
    throw new Error(`scenario needs ${what}, and the generated tenant has none (try more --users)`);
  return rng.pick(candidates);
}

/** The sign-in device detail of a browser session on an unknown, unmanaged machine. */
export function unmanagedBrowser(os: string, browser: string): DeviceDetail {
  return deviceDetailOf({ deviceId: "", operatingSystem: os, browser });
}
