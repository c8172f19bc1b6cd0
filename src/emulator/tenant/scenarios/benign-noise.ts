/**
 * Only legitimate changes that look alarming: a traveller who buys a phone abroad, a helpdesk TAP
 * reset, a commercial VPN, an administrator replacing a lost security key, a few mis-tapped pushes,
 * a new laptop. Every high-severity finding in this tenant is a false positive.
 */
import {
  FIRST_PARTY,
  HOSTILE_NETWORKS,
  PHONE_MODELS,
  RESOURCES,
  SIGNIN_ERRORS,
  TRAVEL_CITIES,
  USER_AGENTS,
} from "../catalog.js";
import type { GroundTruthKind } from "../ground-truth.js";
import { authenticatorMethod, fido2Method, randomIp } from "../people.js";
import { frozenStatus, locationOf, mfaStep, passwordStep, previouslySatisfied } from "../records.js";
import { methodAddedAudits, methodDeletedAudits } from "../registration.js";
import { MINUTE_MS, type Person } from "../world.js";
import type { Origin, ScenarioContext, ScenarioDefinition } from "./context.js";

function note(ctx: ScenarioContext, kind: GroundTruthKind, id: string, p: Person, why: string): void {
  ctx.benign({ id, kind, userId: p.user.id, why });
}

export const benignNoise: ScenarioDefinition = {
  name: "benign-noise",
  description:
    "Only legitimate changes that look alarming (travel, new phone abroad, helpdesk TAP, consumer VPN, replaced security key, mis-tapped pushes, new laptop): every high-severity finding is a false positive.",
  techniques: [],
  defaults: { users: 200, days: 30, minUsers: 20 },
  apply(ctx) {
    const active = (p: Person) => p.persona === "staff" && !p.dormant && p.mfa === "push";
    // A traveller buys a new phone abroad and moves Authenticator to it.
    const traveller = ctx.victim("a push user to travel", active);
    const city = ctx.rng.pick(TRAVEL_CITIES);
    const abroad: Origin = {
      ip: randomIp(city.ispPrefix, ctx.rng),
      asn: city.ispAsn,
      city,
      location: locationOf(city),
    };
    const tAt = ctx.dayAt(4, 9);
    const tSign = ctx.attackerSignIn({
      at: tAt,
      victim: traveller,
      origin: abroad,
      app: FIRST_PARTY.officeHome,
      resource: RESOURCES.graph,
      userAgent: USER_AGENTS.edgeWindows,
      deviceDetail: traveller.laptopDetail,
      mfa: true,
      details: (iso) => [passwordStep(iso, true), mfaStep(iso, "push", true)],
      mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
    });
    note(
      ctx,
      "signIn",
      tSign.id,
      traveller,
      `sign-in from ${city.city} during a business trip, on the user's own compliant laptop`,
    );
    const oldAuth = ctx.world.doc.methods.find(
      (e) =>
        e.userId === traveller.user.id &&
        e.method["@odata.type"] === "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
    );
    if (oldAuth) {
      for (const a of ctx.addAudits(
        methodDeletedAudits(
          { at: tAt + 30 * MINUTE_MS, user: traveller.user, ip: abroad.ip, method: oldAuth.method },
          ctx.rng,
        ),
      )) {
        note(ctx, "audit", a.id, traveller, "old phone retired by the user while travelling");
      }
      const fresh = authenticatorMethod(ctx.rng, ctx.rng.pick(PHONE_MODELS));
      oldAuth.method = fresh;
      note(
        ctx,
        "method",
        fresh.id,
        traveller,
        "Authenticator moved to a phone bought abroad (user confirmed with IT)",
      );
      for (const a of ctx.addAudits(
        methodAddedAudits(
          { at: tAt + 31 * MINUTE_MS, user: traveller.user, ip: abroad.ip, method: fresh },
          ctx.rng,
        ),
      )) {
        note(
          ctx,
          "audit",
          a.id,
          traveller,
          "registration of the traveller's new phone, from the trip location",
        );
      }
    }
    // Helpdesk TAP after a lost phone, used from the office.
    const helpdesk = ctx.world.people.find((p) => p.persona === "helpdesk");
    const lost = ctx.victim("a push user who lost their phone", active);
    if (helpdesk) {
      const at = ctx.dayAt(3, 10);
      const tap = {
        "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod" as const,
        id: ctx.rng.guid(),
        temporaryAccessPass: null,
        createdDateTime: new Date(at).toISOString(),
        startDateTime: new Date(at).toISOString(),
        lifetimeInMinutes: 60,
        isUsableOnce: true,
        isUsable: false,
        methodUsabilityReason: "OneTimeUsed",
      };
      ctx.addMethod(lost.user.id, tap);
      note(ctx, "method", tap.id, lost, "one-time TAP issued by the helpdesk against a ticket (lost phone)");
      for (const a of ctx.addAudits(
        methodAddedAudits(
          {
            at,
            user: lost.user,
            ip: helpdesk.officeIp ?? helpdesk.homeIp,
            method: tap,
            admin: helpdesk.user,
          },
          ctx.rng,
        ),
      )) {
        note(ctx, "audit", a.id, lost, "helpdesk TAP issuance (ticketed)");
      }
      const usual: Origin = {
        ip: lost.officeIp ?? lost.homeIp,
        asn: lost.officeAsn,
        city: lost.home,
        location: lost.location,
      };
      const s = ctx.attackerSignIn({
        at: at + 15 * MINUTE_MS,
        victim: lost,
        origin: usual,
        app: FIRST_PARTY.mySignins,
        resource: RESOURCES.graph,
        userAgent: USER_AGENTS.edgeWindows,
        deviceDetail: lost.laptopDetail,
        mfa: true,
        details: (iso) => [mfaStep(iso, "tap", true, "MFA successfully completed")],
        mfaDetail: { authMethod: "Temporary Access Pass", authDetail: null },
      });
      note(ctx, "signIn", s.id, lost, "user signs in with the helpdesk TAP from their usual network");
      const fresh = authenticatorMethod(ctx.rng, ctx.rng.pick(PHONE_MODELS));
      ctx.addMethod(lost.user.id, fresh, true);
      note(ctx, "method", fresh.id, lost, "Authenticator on the replacement phone");
      for (const a of ctx.addAudits(
        methodAddedAudits({ at: at + 18 * MINUTE_MS, user: lost.user, ip: usual.ip, method: fresh }, ctx.rng),
      )) {
        note(ctx, "audit", a.id, lost, "re-registration after the lost phone");
      }
    }
    // A consumer VPN on a hosting network, but the user's own joined, compliant laptop and PRT.
    const vpnUser = ctx.victim(
      "a user with a joined laptop",
      (p) => active(p) && p.laptop?.trustType === "AzureAd",
    );
    const net = ctx.rng.pick(HOSTILE_NETWORKS);
    const vpn: Origin = {
      ip: randomIp(net.prefix, ctx.rng),
      asn: net.asn,
      city: net.city,
      location: locationOf(net.city),
    };
    for (let i = 0; i < 3; i++) {
      const s = ctx.attackerSignIn({
        at: ctx.dayAt(2, 8) + i * 90 * MINUTE_MS,
        victim: vpnUser,
        origin: vpn,
        app: i === 0 ? FIRST_PARTY.officeHome : FIRST_PARTY.teams,
        resource: i === 0 ? RESOURCES.graph : RESOURCES.teamsService,
        userAgent: USER_AGENTS.edgeWindows,
        deviceDetail: vpnUser.laptopDetail,
        incomingTokenType: "primaryRefreshToken",
        mfa: true,
        details: (iso) => [previouslySatisfied(iso, true)],
      });
      note(
        ctx,
        "signIn",
        s.id,
        vpnUser,
        `consumer VPN exit on ${net.provider}, but the user's own compliant joined laptop and PRT`,
      );
    }
    // An administrator replaces a lost security key.
    const admin = ctx.victim(
      "an administrator with a FIDO2 key",
      (p) => p.persona === "admin" && p.mfa === "fido2",
    );
    const oldKey = ctx.world.doc.methods.find(
      (e) =>
        e.userId === admin.user.id &&
        e.method["@odata.type"] === "#microsoft.graph.fido2AuthenticationMethod",
    );
    const kAt = ctx.dayAt(2, 11);
    const adminIp = admin.officeIp ?? admin.homeIp;
    if (oldKey) {
      for (const a of ctx.addAudits(
        methodDeletedAudits({ at: kAt, user: admin.user, ip: adminIp, method: oldKey.method }, ctx.rng),
      )) {
        note(ctx, "audit", a.id, admin, "administrator removes their lost security key");
      }
      ctx.world.doc.methods.splice(ctx.world.doc.methods.indexOf(oldKey), 1);
    }
    const key = fido2Method(ctx.rng, kAt + 3 * MINUTE_MS);
    ctx.addMethod(admin.user.id, key, true);
    note(ctx, "method", key.id, admin, "replacement security key, registered from the office");
    for (const a of ctx.addAudits(
      methodAddedAudits({ at: kAt + 3 * MINUTE_MS, user: admin.user, ip: adminIp, method: key }, ctx.rng),
    )) {
      note(ctx, "audit", a.id, admin, "registration of the replacement key");
    }
    // Three mis-tapped pushes, then success, all from the user's own network.
    const clumsy = ctx.victim("a push user", active);
    const home: Origin = {
      ip: clumsy.officeIp ?? clumsy.homeIp,
      asn: clumsy.officeAsn,
      city: clumsy.home,
      location: clumsy.location,
    };
    const cAt = ctx.dayAt(1, 8);
    const declined = frozenStatus(SIGNIN_ERRORS.mfaDenied);
    for (let i = 0; i < 4; i++) {
      const ok = i === 3;
      const s = ctx.attackerSignIn({
        at: cAt + i * 40_000,
        victim: clumsy,
        origin: home,
        app: FIRST_PARTY.officeHome,
        resource: RESOURCES.graph,
        userAgent: USER_AGENTS.edgeWindows,
        deviceDetail: clumsy.laptopDetail,
        ...(ok ? {} : { status: declined }),
        mfa: true,
        details: (iso) => [passwordStep(iso, true), mfaStep(iso, "push", ok)],
        mfaDetail: { authMethod: "PhoneAppNotification", authDetail: null },
      });
      note(
        ctx,
        "signIn",
        s.id,
        clumsy,
        ok
          ? "success after mis-tapped prompts, same device and network"
          : "user mis-tapped the number-matching prompt on their own sign-in",
      );
    }
  },
};
