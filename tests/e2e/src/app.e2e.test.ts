import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { COURSE_CONTENT } from "./fixtures/launches.ts";
import { axeViolations, serious } from "./harness/browser.ts";
import { useBrowserSystem } from "./harness/browser-system.ts";
import { screenshotDir } from "./harness/screenshots.ts";

const shots = screenshotDir();

const e2e = useBrowserSystem({ extraBody: COURSE_CONTENT });

beforeAll(() => {
  mkdirSync(shots, { recursive: true });
});

/** Opens a launch page and collects CSP violations and script errors while it runs. */
async function open(name: string): Promise<{ page: Page; problems: string[] }> {
  const page = await e2e.browser.newPage({ viewport: { width: 900, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  await page.goto(`${e2e.front.url}/e2e/launch/${name}`);
  return { page, problems };
}

describe("learner view", () => {
  it("replaces the fallback, runs under the strict CSP, and is accessible", async () => {
    const { page, problems } = await open("learner");
    await page.waitForSelector("#app.app-ready");
    expect(await page.textContent("h1")).toBe("Atomic Guide");
    expect(await page.isVisible("text=Ask your guide a question")).toBe(true);
    expect(await page.getAttribute("nav button[data-tab='chat']", "aria-current")).toBe("page");
    expect(serious(await axeViolations(page))).toEqual([]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(shots, "learner-fixture.png"), fullPage: true });
    await page.close();
  });

  it("tells the learner to relaunch when the gateway refuses the token", async () => {
    const { page } = await open("learner");
    await page.waitForSelector("#app.app-ready");
    await page.fill("#app textarea", "What is a linear equation?");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".banner-error");
    expect(await page.textContent(".banner-error")).toContain("relaunch Atomic Guide from your course");
    // The unsent question is given back so nothing typed is lost. The banner can appear a task
    // before the chat view handles the same refusal, so wait (bounded) for the text to return.
    await page
      .waitForFunction(
        () => (document.querySelector("#app textarea") as HTMLTextAreaElement | null)?.value !== "",
        undefined,
        { timeout: 5000 },
      )
      .catch(() => undefined);
    expect(await page.inputValue("#app textarea")).toBe("What is a linear equation?");
    // Refused, it was not kept: the log does not show it as asked, so sending it again shows it once.
    expect(await page.locator(".message-user").count()).toBe(0);
    await page.close();
  });

  it("asks for consent before capturing signals and keeps the answer across pages", async () => {
    const { page } = await open("learner");
    await page.waitForSelector("#app.app-ready");
    expect(await page.isVisible(".consent")).toBe(true);
    await page.click("text=Yes, allow");
    expect(await page.isVisible(".consent")).toBe(false);
    await page.click("nav button[data-tab='privacy']");
    expect(await page.isChecked("#consent-toggle")).toBe(true);
    // Focus moves to the new page's heading, so keyboard and screen-reader users land on it.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("privacy-heading");
    await page.uncheck("#consent-toggle");
    await page.reload();
    await page.waitForSelector("#app.app-ready");
    expect(await page.isVisible(".consent")).toBe(false);
    await page.close();
  });

  it("reaches every section by keyboard alone", async () => {
    const { page } = await open("learner");
    await page.waitForSelector("#app.app-ready");
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      names.push(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? ""));
    }
    expect(names.slice(0, 3)).toEqual(["Guide", "My learning", "Privacy"]);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("privacy-heading");
    await page.close();
  });

  it("leaves the plain fallback in place when the launch data is incomplete", async () => {
    const { page } = await open("incomplete");
    await page.waitForSelector("#app[data-launch-error]");
    expect(await page.textContent("#app")).toContain("reload this page from your course");
    await page.close();
  });
});

describe("instructor view", () => {
  it("shows the course insight page with its time window, accessible", async () => {
    const { page, problems } = await open("instructor");
    await page.waitForSelector("#app.app-ready");
    expect(await page.textContent("h2")).toContain("Algebra I");
    expect(await page.isVisible("label[for='insight-window']")).toBe(true);
    // The real gateway refuses the fixture token: the page says so instead of drawing nothing.
    await page.waitForSelector(".view .form-error");
    expect(await page.textContent(".view .form-error")).toContain("relaunch");
    expect(serious(await axeViolations(page))).toEqual([]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(shots, "instructor-fixture.png"), fullPage: true });
    await page.close();
  });
});
