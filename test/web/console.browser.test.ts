import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { collectCase } from "../../src/collect/index.js";
import { detectCase } from "../../src/detect/case-run.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { createGraphClient } from "../../src/graph/index.js";
import { openCase } from "../../src/store/index.js";
import type { CaseStore } from "../../src/store/types.js";
import { CaseConsoleBackend } from "../../src/web/case-backend.js";
import { type RunningConsole, startConsole } from "../../src/web/server.js";

/**
 * The console as a responder uses it, in Debian's Chromium: the emulator's `demo` scenario
 * (hostile strings in names, devices and methods) collected into a case, detected, triaged, and a
 * plan applied from the browser against the emulated tenant.
 */

function chromiumPath(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = chromiumPath();
const SCREENSHOTS = path.join(tmpdir(), "mfa-evict-screenshots");
// The emulator runs unthrottled here; the client's budgets are raised to match.
const FAST_LIMITS =
  "directory=100000/1s,writes=10000/1s,deviceWrites=10000/1s,reports=1000/1s,protection=1000/1s";

describe.skipIf(!executablePath)(
  "triage console in headless Chromium (needs Debian's chromium: skipped when it is not installed)",
  () => {
    let browser: Browser;
    let emu: RunningEmulator;
    let store: CaseStore;
    let server: RunningConsole;
    let dir: string;

    beforeAll(async () => {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      dir = fs.mkdtempSync(path.join(tmpdir(), "console-browser-"));
      emu = await startEmulator({ scenario: "demo", throttle: false, auditDelayMs: 0 });
      const env = { ...emu.env, MFA_EVICT_GRAPH_LIMITS: FAST_LIMITS };
      const caseFile = path.join(dir, "case.sqlite");
      store = openCase(caseFile);
      const client = createGraphClient({ env });
      try {
        await collectCase({ client, store, since: new Date("2026-08-01T00:00:00Z") });
      } finally {
        await client.close();
      }
      detectCase(store, { env });
      server = await startConsole({ backend: new CaseConsoleBackend(store, caseFile, env) });
      browser = await chromium.launch({
        executablePath,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      store?.close();
      await emu?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** No element or dialog came from tenant data: what the page shows is text. */
    async function expectInert(page: Page, dialogs: string[]): Promise<void> {
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.locator("script").count()).toBe(0);
      expect(dialogs).toEqual([]);
    }

    test("hostile names stay text; triage, plan and apply from the browser", async () => {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      await page.goto(server.loginUrl);
      expect(new URL(page.url()).searchParams.get("token")).toBeNull();
      expect(await page.title()).toBe("Findings — mfa-evict");
      await page.screenshot({ path: path.join(SCREENSHOTS, "findings.png"), fullPage: true });
      await expectInert(page, dialogs);

      // The demo's hostile strings: an HTML/script display name, an apostrophe UPN, an <img onerror>
      // device name, a very long non-ASCII device name.
      await page.goto(`${server.url}/users?text=xss`);
      await page.locator("td a[href^='/users/']").first().click();
      expect(await page.locator("h1").textContent()).toBe("Ingrid <script>alert('xss')</script>");
      await expectInert(page, dialogs);
      await page.goto(`${server.url}/users?text=${encodeURIComponent("o'brien")}`);
      expect(await page.locator("body").textContent()).toContain("o'brien@");
      const imgDevice = [...emu.state.devices.values()].find((d) => d.displayName?.includes("<img"))!;
      const imgOwner = imgDevice.ownerIds[0]!;
      await page.goto(`${server.url}/users/${imgOwner}`);
      expect(await page.locator("body").textContent()).toContain('<img src=x onerror="alert(1)">');
      await expectInert(page, dialogs);
      const laptop = [...emu.state.devices.values()].find((d) => (d.displayName?.length ?? 0) > 200)!;
      await page.goto(`${server.url}/users/${laptop.ownerIds[0]}`);
      expect(await page.locator("body").textContent()).toContain(laptop.displayName!);
      await page.screenshot({ path: path.join(SCREENSHOTS, "user.png"), fullPage: true });

      // Triage: a verdict with a reason, stored in the case.
      await page.goto(`${server.url}/`);
      const links = page.locator("td a[href^='/findings/']");
      const first = (await links.first().getAttribute("href"))!;
      await page.goto(`${server.url}${first}`);
      await page.screenshot({ path: path.join(SCREENSHOTS, "finding.png"), fullPage: true });
      await page.getByLabel("true positive").check();
      await page.getByLabel("Reason").fill("<b>confirmed</b> with the user by phone");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/triage")),
        page.getByRole("button", { name: "Save verdict" }).click(),
      ]);
      await page.waitForLoadState();
      expect(await page.getByLabel("Reason").inputValue()).toBe("<b>confirmed</b> with the user by phone");

      // A plan from one selected finding, its dry run, a refused wrong confirmation, then apply.
      await page.goto(`${server.url}/`);
      const findingId = decodeURIComponent(first.slice("/findings/".length));
      await page.getByLabel(`select ${findingId}`).check();
      await Promise.all([
        page.waitForURL("**/plans/*"),
        page.getByRole("button", { name: /Build an eviction plan/ }).click(),
      ]);
      await page.screenshot({ path: path.join(SCREENSHOTS, "plan.png"), fullPage: true });
      expect(await page.locator("body").textContent()).toContain("Nothing has been written to the tenant.");
      const phrase = (await page.locator("pre").nth(1).textContent())!.trim();
      await page.locator("input[name=confirm]").fill("someone-else@contoso.com");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/apply")),
        page.getByRole("button", { name: "Apply this plan" }).click(),
      ]);
      await page.waitForLoadState();
      expect(await page.locator("body").textContent()).toContain("nothing was applied");
      await page.locator("input[name=confirm]").fill(phrase);
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/apply")),
        page.getByRole("button", { name: "Apply this plan" }).click(),
      ]);
      await page.waitForLoadState();
      await page.screenshot({ path: path.join(SCREENSHOTS, "applied.png"), fullPage: true });
      expect(await page.locator("body").textContent()).toMatch(
        /1 user\(s\) evicted and verified, 0 skipped, 0 failed/,
      );
      await expectInert(page, dialogs);
    }, 180_000);
  },
);
