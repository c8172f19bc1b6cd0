/**
 * The demo tenant (~200 users): several attacks at once, benign noise, and hostile strings in the
 * data — HTML/script in a display name and a device name, an apostrophe in a UPN, non-ASCII names
 * and a very long device name — for `npm run demo` and the report and console tests.
 */
import { deviceDetailOf } from "../records.js";
import type { Person, World } from "../world.js";
import { adminPersistence } from "./admin-persistence.js";
import { apt29Dormant } from "./apt29-dormant.js";
import { benignNoise } from "./benign-noise.js";
import type { ScenarioDefinition } from "./context.js";
import { deviceCodePrt } from "./device-code-prt.js";
import { mfaFatigue } from "./mfa-fatigue.js";
import { simSwap } from "./sim-swap.js";

/** The scenarios the demo combines, in timeline order of their first step. */
export const DEMO_PARTS: readonly ScenarioDefinition[] = [
  apt29Dormant,
  simSwap,
  mfaFatigue,
  deviceCodePrt,
  adminPersistence,
  benignNoise,
];

export const LONG_DEVICE_NAME = `Finance-Shared-Workstation-Conference-Room-B-${"Ω".repeat(8)}-${"X".repeat(190)}`;

function rename(p: Person, given: string, surname: string, display: string, local?: string): void {
  const u = p.user;
  u.givenName = given;
  u.surname = surname;
  u.displayName = display;
  if (local) {
    const domain = u.userPrincipalName.split("@")[1]!;
    u.userPrincipalName = `${local}@${domain}`;
    u.mail = u.userPrincipalName;
  }
}

/** Hostile strings, applied before history so every log record carries them consistently. */
function prepareHostileStrings(world: World): void {
  // Skip the first staff account: it is the dormant APT29 target and keeps its plain name.
  const staff = world.people.filter((p) => p.persona === "staff" && !p.dormant && p.laptop);
  if (staff.length < 5) throw new Error("the demo needs at least 5 active staff users with laptops");
  rename(staff[0]!, "Ingrid", "<script>alert('xss')</script>", `Ingrid <script>alert('xss')</script>`);
  rename(staff[1]!, "Siobhán", "O'Brien", "Siobhán O'Brien", "o'brien");
  rename(staff[2]!, "Zoë", "Ångström-Núñez", "Zoë Ångström-Núñez");
  rename(staff[3]!, "小龙", "李", "李小龙 (Li Xiaolong)");
  const laptopOwner = staff[4]!;
  const laptop = laptopOwner.laptop!;
  laptop.displayName = LONG_DEVICE_NAME;
  laptopOwner.laptopDetail = deviceDetailOf({ ...laptopOwner.laptopDetail, displayName: LONG_DEVICE_NAME });
  laptopOwner.browserDetail = laptopOwner.laptopDetail;
  const phoneOwner = world.people.find((p) => p.phone && p !== laptopOwner && p.persona === "staff");
  if (phoneOwner?.phone) phoneOwner.phone.displayName = `<img src=x onerror="alert(1)">`;
}

export const demo: ScenarioDefinition = {
  name: "demo",
  description:
    "A ~200-user tenant combining apt29-dormant, sim-swap, mfa-fatigue, device-code-prt and admin-persistence with benign noise and hostile strings (HTML, apostrophe UPN, non-ASCII, very long device name).",
  techniques: [...new Set(DEMO_PARTS.flatMap((s) => s.techniques))],
  defaults: { users: 200, days: 30, minUsers: 30 },
  prepare: prepareHostileStrings,
  apply() {
    // Composite: buildScenario runs each part in DEMO_PARTS with its own context.
  },
};
