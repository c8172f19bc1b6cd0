import { afterAll, beforeAll, expect, test } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { EmulatorState } from "../../src/emulator/state/state.js";
import { parseTenantDocument } from "../../src/emulator/tenant/index.js";
import { tinyTenant, USERS } from "../support/emulator-tenant.js";

/** `mfa-evict emulator --export-tenant`: the current state, back in the tenant model. */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ tenant: tinyTenant(), throttle: false, auditDelayMs: 0 });
});
afterAll(() => emu?.close());

test("the exported state validates, includes what changed since loading, and reloads to the same state", () => {
  const before = emu.state.toDocument();
  const device = emu.actions.registerDevice({
    ipAddress: "185.220.101.4",
    userAgent: "Dsreg/10.0 (Windows 10.0.19041.928)",
    location: { city: "Amsterdam", countryOrRegion: "NL" },
    userId: USERS.bob,
    displayName: "DESKTOP-7QK2ZPA",
    operatingSystem: "Windows",
    operatingSystemVersion: "10.0.19041.928",
    trustType: "AzureAd",
  });
  const after = parseTenantDocument(emu.state.toDocument(), "exported state");
  expect(after.devices.length).toBe(before.devices.length + 1);
  expect(after.devices.map((d) => d.id)).toContain(device.id);
  expect(after.directoryAudits.length).toBeGreaterThan(before.directoryAudits.length);
  const reloaded = new EmulatorState(after, emu.state.behaviour, 0).toDocument();
  expect(reloaded).toEqual(after);
});
