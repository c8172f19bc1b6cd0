/**
 * SIM swap and attacker phone numbers: the victim's number moves to an attacker SIM (invisible to
 * Entra except through what follows: an SMS password reset and SMS sign-ins from a new place), and
 * the same attacker number is added to several users.
 */
import { FIXED_METHOD_IDS } from "../../../graph/types.js";
import { type City, FIRST_PARTY, RESOURCES, USER_AGENTS } from "../catalog.js";
import { phoneMethod, phoneNumberFor } from "../people.js";
import { audit, mfaStep, passwordStep, userTarget } from "../records.js";
import { methodAddedAudits } from "../registration.js";
import { MINUTE_MS, type Person } from "../world.js";
import type { ScenarioDefinition } from "./context.js";

export const simSwap: ScenarioDefinition = {
  name: "sim-swap",
  description:
    "A victim's number is ported to an attacker SIM (SMS password reset, SMS sign-ins from a new place); the attacker's own number is added to several users.",
  techniques: ["T1111", "T1098.005", "T1556.006"],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    // One pass over the methods: a per-person scan would be quadratic in a 50,000-user tenant.
    const mobile = new Set<string>();
    const alternate = new Set<string>();
    for (const e of ctx.world.doc.methods) {
      if (e.method.id === FIXED_METHOD_IDS.mobile) mobile.add(e.userId);
      if (e.method.id === FIXED_METHOD_IDS.alternateMobile) alternate.add(e.userId);
    }
    const hasMobile = (id: string) => mobile.has(id);
    const hasAlternate = (id: string) => alternate.has(id);
    const smsUser = (p: Person) =>
      p.persona === "staff" && !p.dormant && hasMobile(p.user.id) && !hasAlternate(p.user.id);
    const smsDefault = (p: Person) => smsUser(p) && p.mfa === "sms";
    // Prefer someone whose default is SMS (the classic SIM-swap target); any mobile number will do.
    const swapped = ctx.victim(
      "a user with a mobile phone method",
      ctx.hasCandidate(smsDefault) ? smsDefault : smsUser,
    );
    const second = ctx.victim("a second user with a mobile phone method", smsUser);
    const third = ctx.victim("a third user with a mobile phone method", smsUser);
    for (const p of [swapped, second, third]) ctx.compromised(p);
    const origin = ctx.hostileOrigin(swapped.home.country);
    const attackerCity: City = { ...swapped.home, city: origin.city.city };
    const attackerNumber = phoneNumberFor(attackerCity, ctx.rng, ctx.world.usedPhoneNumbers);
    ctx.indicator("phoneNumbers", attackerNumber);

    // Step 1: after the port-out, the attacker resets the password with an SMS code.
    const resetAt = ctx.dayAt(3, 2);
    const reset = ctx.addAudits([
      audit(
        {
          at: resetAt,
          activity: "Reset password (self-service)",
          category: "UserManagement",
          service: "Self-service Password Management",
          operationType: "Update",
          initiator: { user: swapped.user, ip: origin.ip },
          targets: [userTarget(swapped.user)],
          resultReason: "Successfully completed reset.",
          userAgent: USER_AGENTS.safariIphone,
        },
        ctx.rng,
      ),
    ])[0]!;
    ctx.mark(
      "audit",
      reset.id,
      swapped.user.id,
      "T1111",
      1,
      "self-service password reset verified by SMS to the swapped SIM",
    );
    // Step 2: SMS-satisfied sign-ins from the attacker's location.
    for (let i = 0; i < 3; i++) {
      const s = ctx.attackerSignIn({
        at: resetAt + (10 + i * 35) * MINUTE_MS,
        victim: swapped,
        origin,
        app: i === 0 ? FIRST_PARTY.officeHome : FIRST_PARTY.outlookMobile,
        resource: i === 0 ? RESOURCES.graph : RESOURCES.exchange,
        userAgent: USER_AGENTS.safariIphone,
        deviceDetail: { deviceId: "", operatingSystem: "Ios", browser: "Mobile Safari" },
        mfa: true,
        details: (iso) => [passwordStep(iso, true), mfaStep(iso, "sms", true)],
        mfaDetail: { authMethod: "OneWaySMS", authDetail: null },
      });
      ctx.mark(
        "signIn",
        s.id,
        swapped.user.id,
        "T1111",
        2,
        "sign-in with an SMS code received on the attacker's SIM",
      );
      if (i === 0) {
        const r = ctx.riskFor(s, swapped, "unfamiliarFeatures", "medium");
        ctx.mark(
          "riskDetection",
          r.id,
          swapped.user.id,
          "T1111",
          2,
          "unfamiliar sign-in properties after the swap",
        );
      }
    }
    // Step 3: persistence — the attacker's own number is added to all three accounts.
    const add = (p: typeof swapped, at: number, phoneType: "alternateMobile" | "mobile") => {
      const entry = ctx.world.doc.methods.find(
        (e) => e.userId === p.user.id && e.method.id === FIXED_METHOD_IDS[phoneType],
      );
      const method = phoneMethod(attackerNumber, phoneType);
      if (entry) entry.method = method;
      else ctx.addMethod(p.user.id, method);
      ctx.mark(
        "method",
        method.id,
        p.user.id,
        "T1098.005",
        3,
        `attacker's number ${attackerNumber} set as the ${phoneType} phone`,
      );
      const portal = ctx.attackerSignIn({
        at: at - 2 * MINUTE_MS,
        victim: p,
        origin,
        app: FIRST_PARTY.mySignins,
        resource: RESOURCES.graph,
        userAgent: USER_AGENTS.edgeWindows,
        mfa: true,
        details: (iso) => [passwordStep(iso, true), mfaStep(iso, "sms", true)],
      });
      ctx.mark(
        "signIn",
        portal.id,
        p.user.id,
        "T1098.005",
        3,
        "attacker in My Sign-ins before changing the phone",
      );
      for (const a of ctx.addAudits(
        methodAddedAudits(
          { at, user: p.user, ip: origin.ip, method, userAgent: USER_AGENTS.edgeWindows },
          ctx.rng,
        ),
      )) {
        ctx.mark(
          "audit",
          a.id,
          p.user.id,
          "T1098.005",
          3,
          `${a.activityDisplayName}: attacker's phone number`,
        );
      }
    };
    add(swapped, resetAt + 2 * 60 * MINUTE_MS, "alternateMobile");
    add(second, ctx.dayAt(2, 3), "mobile");
    add(third, ctx.dayAt(2, 4), "alternateMobile");
    for (const p of [second, third]) {
      const s = ctx.attackerSignIn({
        at: ctx.dayAt(1, 5) + ctx.rng.int(60) * MINUTE_MS,
        victim: p,
        origin,
        app: FIRST_PARTY.officeHome,
        resource: RESOURCES.graph,
        userAgent: USER_AGENTS.edgeWindows,
        mfa: true,
        details: (iso) => [passwordStep(iso, true), mfaStep(iso, "sms", true)],
        mfaDetail: { authMethod: "OneWaySMS", authDetail: null },
      });
      ctx.mark(
        "signIn",
        s.id,
        p.user.id,
        "T1111",
        4,
        "SMS sign-in to the attacker's number from a new place",
      );
      ctx.attackerSession(p, ctx.dayAt(1, 5), 4, "T1111");
    }
    ctx.attackerSession(swapped, resetAt + 10 * MINUTE_MS, 2, "T1111");
  },
};
