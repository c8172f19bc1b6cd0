import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningConsole, startConsole } from "../../src/web/server.js";
import { FakeBackend, HOSTILE_NAME } from "./fake-backend.js";

function chromiumPath(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = chromiumPath();
export const SCREENSHOTS = join(tmpdir(), "mfa-evict-screenshots");

describe.skipIf(!executablePath)(
  "triage console in headless Chromium (needs Debian's chromium: skipped when it is not installed)",
  () => {
    let browser: Browser;
    let server: RunningConsole;
    let backend: FakeBackend;

    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      backend = new FakeBackend();
      server = await startConsole({ backend });
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
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    test("triage flow: login, hostile names stay text, verdict, plan, confirmation", async () => {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on("dialog", async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      await page.goto(server.loginUrl);
      expect(new URL(page.url()).searchParams.get("token")).toBeNull();
      await page.screenshot({ path: join(SCREENSHOTS, "findings.png"), fullPage: true });
      expect(await page.title()).toBe("Findings — mfa-evict");
      expect(await page.locator("body").textContent()).toContain(HOSTILE_NAME);
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.locator("script").count()).toBe(0);

      await page.getByRole("link", { name: "Authenticator registered from an unfamiliar country" }).click();
      await page.screenshot({ path: join(SCREENSHOTS, "finding.png"), fullPage: true });
      await page.getByLabel("false positive").check();
      await page.getByLabel("Reason").fill("<b>travel</b> to NL, confirmed by phone");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/triage")),
        page.getByRole("button", { name: "Save verdict" }).click(),
      ]);
      await page.waitForLoadState();
      expect(backend.triage[0]).toMatchObject({
        findingId: "f-high",
        verdict: "falsePositive",
        reason: "<b>travel</b> to NL, confirmed by phone",
      });
      expect(await page.getByLabel("Reason").inputValue()).toBe("<b>travel</b> to NL, confirmed by phone");

      await page.goto(`${server.url}/`);
      await page.getByLabel("select f-high").check();
      await Promise.all([
        page.waitForURL("**/plans/plan-1"),
        page.getByRole("button", { name: /Build an eviction plan/ }).click(),
      ]);
      await page.screenshot({ path: join(SCREENSHOTS, "plan.png"), fullPage: true });
      await page.locator("input[name=confirm]").fill("someone-else@contoso.com");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/apply")),
        page.getByRole("button", { name: "Apply this plan" }).click(),
      ]);
      await page.waitForLoadState();
      expect(await page.locator("body").textContent()).toContain("nothing was applied");
      expect(backend.applied).toEqual([]);
      await page.locator("input[name=confirm]").fill("o'brien@contoso.com");
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/apply")),
        page.getByRole("button", { name: "Apply this plan" }).click(),
      ]);
      await page.waitForLoadState();
      expect(await page.locator("body").textContent()).toContain("2 user(s) evicted and verified");
      expect(backend.applied).toEqual(["plan-1"]);
      expect(dialogs).toEqual([]);
      expect(await page.title()).not.toContain("pwned");
    });
  },
);
