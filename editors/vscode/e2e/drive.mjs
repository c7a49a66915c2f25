// Drives a running code-server in headless Chromium (playwright-core) the way a person would:
// opens files with Quick Open, reads squiggles, the Problems panel, a hover and the suggest
// widget, and takes screenshots. It asserts nothing: it prints what the editor showed as one
// JSON object on stdout, and tests/editors/test_vscode_e2e.py judges it.
//
// Usage: node drive.mjs SPEC.json   (SPEC: see tests/editors/test_vscode_e2e.py)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const require = createRequire(path.join(spec.toolsDir, "package.json"));
const { chromium } = require("playwright-core");

const result = { steps: [], errors: [] };
const log = (message) => {
  result.steps.push(`${new Date().toISOString()} ${message}`);
  process.stderr.write(`[drive] ${message}\n`);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Repeats `attempt` until it returns a truthy value or the time runs out. */
async function retry(what, attempt, { timeout = 30_000, pause = 500, stopOn = () => false } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value) return value;
    } catch (error) {
      if (stopOn(error)) throw error;
      lastError = error;
    }
    await sleep(pause);
  }
  throw new Error(`${what}: not done within ${timeout / 1000} s${lastError ? ` (last error: ${lastError.message})` : ""}`);
}

const browser = await chromium.launch({
  executablePath: spec.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(30_000);

async function shot(name) {
  const file = path.join(spec.artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot ${file}`);
  return file;
}

/**
 * A small picture for the README: the top of the editor and the open hover, whichever
 * reaches higher or lower, at most `width` pixels wide.
 */
async function shotOfHover(name, width = 820) {
  const editor = await page.locator(".editor-instance").first().boundingBox();
  const hover = await page.locator(".monaco-hover:visible").first().boundingBox();
  const file = path.join(spec.artifacts, `${name}.png`);
  if (!editor || !hover) return shot(name);
  const top = Math.max(0, Math.min(editor.y, hover.y) - 8);
  const bottom = Math.max(hover.y + hover.height, editor.y + 120) + 24;
  await page.screenshot({
    path: file,
    clip: { x: editor.x, y: top, width: Math.min(width, editor.width), height: bottom - top },
  });
  log(`screenshot ${file}`);
  return file;
}

/** The text of the active editor's tab, to know which file is open. */
async function activeTabTitle() {
  return (await page.locator(".tabs-container .tab.active").first().textContent())?.trim() ?? "";
}

async function openFile(relative) {
  const base = path.basename(relative);
  await retry(`open ${relative} with Quick Open`, async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input").first();
    await input.waitFor({ state: "visible", timeout: 5_000 });
    await input.fill(relative);
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: base }).first();
    await row.waitFor({ state: "visible", timeout: 10_000 });
    await page.keyboard.press("Enter");
    await page.locator(".tabs-container .tab.active", { hasText: base }).waitFor({ timeout: 5_000 });
    return true;
  }, { timeout: 60_000, pause: 1_000 });
  await page.locator(".monaco-editor .view-lines").first().waitFor();
  log(`opened ${relative} (active tab: ${await activeTabTitle()})`);
}

async function runCommand(title) {
  await retry(`run command "${title}"`, async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input").first();
    await input.waitFor({ state: "visible", timeout: 5_000 });
    await input.fill(`>${title}`);
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
    await row.waitFor({ state: "visible", timeout: 5_000 });
    await page.keyboard.press("Enter");
    return true;
  }, { timeout: 30_000, pause: 1_000 });
}

/** Puts the cursor at a 1-based line and column with "Go to Line/Column". */
async function goTo(line, column) {
  await retry(`go to ${line}:${column}`, async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+G");
    const input = page.locator(".quick-input-widget input").first();
    await input.waitFor({ state: "visible", timeout: 5_000 });
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press("Enter");
    await input.waitFor({ state: "hidden", timeout: 5_000 });
    return true;
  });
}

try {
  log(`loading ${spec.url}`);
  await retry("load the workbench", async () => {
    await page.goto(spec.url, { waitUntil: "domcontentloaded", timeout: 30_000 });
    await page.locator(".monaco-workbench").waitFor({ timeout: 30_000 });
    return true;
  }, { timeout: 120_000, pause: 2_000 });
  await page.locator(".statusbar").waitFor();
  log("workbench loaded");

  // 0. No server on the machine: the one notification offers Install; click it.
  if (spec.installButton) {
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "not installed" });
    await toast.first().waitFor({ timeout: 90_000 });
    result.installOffer = (await toast.first().locator(".notification-list-item-message").textContent()) ?? "";
    await shot("00-install-offer");
    await toast.first().getByRole("button", { name: spec.installButton, exact: true }).click();
    log(`clicked ${spec.installButton}`);
  }

  // 1. The planted error: squiggle in the editor, row in the Problems panel.
  await openFile(spec.errorFile);
  try {
    // While waiting, watch for the extension saying the server could not start: then the
    // rest cannot work, and the message is the most useful thing to report.
    result.squiggles = await retry("error squiggle in the planted file", async () => {
      const toasts = await page.locator(".notifications-toasts .notification-list-item-message").allTextContents();
      const fatal = toasts.find((text) => /ssmd/i.test(text) && /(cannot|failed|couldn't|could not)/i.test(text));
      if (fatal) {
        throw Object.assign(new Error(`the extension reported: ${fatal}`), { fatal: true });
      }
      return page.locator(".squiggly-error").count();
    }, { timeout: spec.diagnosticTimeoutMs, pause: 500, stopOn: (error) => error.fatal });
    log(`${result.squiggles} error squiggle(s)`);
  } catch (error) {
    result.squiggles = 0;
    result.errors.push(`no error squiggle in ${spec.errorFile}: ${error.message}`);
    await shot("01-diagnostic-editor");
    throw error;
  }
  await shot("01-diagnostic-editor");
  if (spec.installButton) {
    result.toasts = await page.locator(".notifications-toasts .notification-list-item-message").allTextContents();
  }
  steps: {
  if (spec.stopAfterSquiggle) break steps;

  await runCommand("View: Focus Problems");
  try {
    await retry("Problems panel lists the planted error", async () => {
      const rows = await page.locator(".markers-panel .monaco-list-row").allTextContents();
      result.problems = rows.map((row) => row.trim());
      return rows.some((row) => row.includes(spec.errorCode));
    }, { timeout: 30_000 });
  } catch (error) {
    result.errors.push(error.message);
  }
  log(`problems rows: ${JSON.stringify(result.problems ?? [])}`);
  await shot("02-problems-panel");

  // For the README: the squiggle with its hover message.
  await openFile(spec.errorFile);
  await goTo(spec.errorPosition[0], spec.errorPosition[1]);
  try {
    await retry("hover over the planted error names its code", async () => {
      await page.keyboard.press("Escape");
      await runCommand("Show or Focus Hover");
      const hover = page.locator(".monaco-hover:visible").first();
      await hover.waitFor({ timeout: 10_000 });
      await sleep(300);
      result.errorHover = (await hover.textContent())?.trim() ?? "";
      return result.errorHover.includes(spec.errorCode);
    }, { timeout: 45_000, pause: 1_000 });
    await shot("03-diagnostic-hover");
    result.readmeDiagnostic = await shotOfHover("readme-diagnostic");
  } catch (error) {
    result.errors.push(`hover over the planted error: ${error.message} (saw ${JSON.stringify(result.errorHover)})`);
  }
  await page.keyboard.press("Escape");

  // 2. Hover: the version in effect as of the configured date.
  await openFile(spec.hoverFile);
  await goTo(spec.hoverPosition[0], spec.hoverPosition[1]);
  try {
    await retry("hover shows the as-of resolution", async () => {
      await page.keyboard.press("Escape");
      await runCommand("Show or Focus Hover");
      const hover = page.locator(".monaco-hover:visible").first();
      await hover.waitFor({ timeout: 10_000 });
      const text = (await hover.textContent())?.trim() ?? "";
      result.hover = text;
      return spec.hoverExpect.every((want) => text.includes(want)) && !text.includes("Loading");
    }, { timeout: 60_000, pause: 2_000 });
  } catch (error) {
    result.errors.push(`hover: ${error.message}`);
  }
  log(`hover: ${JSON.stringify(result.hover)}`);
  await shot("04-hover");
  result.readmeHover = await shotOfHover("readme-hover");
  result.statusBar = (await page.locator(".statusbar").textContent())?.trim();
  await page.keyboard.press("Escape");

  // 3. Completion: clear the feed value and ask for suggestions.
  await goTo(spec.completionPosition[0], spec.completionPosition[1]);
  await page.keyboard.press("Shift+End");
  await page.keyboard.press("Delete");
  try {
    await retry("completion lists feed names", async () => {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+Space");
      const rows = page.locator(".suggest-widget.visible .monaco-list-row");
      await rows.first().waitFor({ timeout: 10_000 });
      await sleep(300);
      const labels = await page.locator(".suggest-widget.visible .monaco-list-row .label-name").allTextContents();
      result.completions = labels.map((label) => label.trim());
      return spec.completionExpect.every((want) => result.completions.includes(want));
    }, { timeout: 60_000, pause: 2_000 });
  } catch (error) {
    result.errors.push(`completion: ${error.message}`);
  }
  log(`completions: ${JSON.stringify(result.completions ?? [])}`);
  await shot("05-completion");
  await page.keyboard.press("Escape");
  // Leave the file as it was on disk: undo the edit.
  await page.keyboard.press("Control+Z");

  // 4. "SSMD: Set As-Of Date": a bad date is refused in the box, a good one reaches the
  // status bar and the server (the hover moves to the version in effect on the new date).
  try {
    await runCommand("SSMD: Set As-Of Date");
    const box = page.locator(".quick-input-widget", { hasText: "Resolve feed and schema versions" });
    try {
      await box.waitFor({ state: "visible", timeout: 15_000 });
    } catch (error) {
      const widget = await page.locator(".quick-input-widget").first().innerText().catch(() => "(none)");
      throw new Error(`the as-of input box did not open (quick input shows ${JSON.stringify(widget)}): ${error.message}`);
    }
    const input = page.locator(".quick-input-widget input").first();
    await input.fill(spec.badAsOf);
    const message = page.locator(".quick-input-widget .quick-input-message");
    await retry("the input box refuses a bad date", async () => {
      result.asOfRefusal = (await message.textContent())?.trim() ?? "";
      return result.asOfRefusal.includes(spec.badAsOf);
    }, { timeout: 10_000 });
    await input.fill(spec.newAsOf);
    await page.keyboard.press("Enter");
    await retry("status bar shows the new date", async () => {
      result.statusBarAfter = (await page.locator(".statusbar").textContent())?.trim() ?? "";
      return result.statusBarAfter.includes(`SSMD as of ${spec.newAsOf}`);
    }, { timeout: 20_000 });
    await goTo(spec.hoverPosition[0], spec.hoverPosition[1]);
    await retry("hover follows the new as-of date", async () => {
      await page.keyboard.press("Escape");
      await runCommand("Show or Focus Hover");
      const hover = page.locator(".monaco-hover:visible").first();
      await hover.waitFor({ timeout: 10_000 });
      result.hoverAfter = (await hover.textContent())?.trim() ?? "";
      return spec.hoverAfterExpect.every((want) => result.hoverAfter.includes(want));
    }, { timeout: 60_000, pause: 2_000 });
    await shot("06-hover-after-set-as-of");
  } catch (error) {
    result.errors.push(`set as-of date: ${error.message} (refusal ${JSON.stringify(result.asOfRefusal)}, hover ${JSON.stringify(result.hoverAfter)})`);
    await shot("06-set-as-of-failure");
  }
  await page.keyboard.press("Escape");

  // 5. "SSMD: Validate Workspace": the CLI's output in the output channel.
  try {
    await runCommand("SSMD: Validate Workspace");
    // The output view renders only the lines in sight: gather what it shows over time.
    const shown = new Set();
    await retry("validation output names the planted error", async () => {
      const lines = await page.locator(".part.panel .monaco-editor .view-lines .view-line").allInnerTexts();
      lines.forEach((line) => shown.add(line.replace(/\u00a0/g, " ")));
      result.validateOutput = [...shown].join("\n");
      return result.validateOutput.includes(spec.errorCode) && result.validateOutput.includes("(exit code");
    }, { timeout: 90_000, pause: 1_000 });
    await shot("07-validate-output");
  } catch (error) {
    result.errors.push(`validate workspace: ${error.message} (output ${JSON.stringify(result.validateOutput)})`);
    await shot("07-validate-failure");
  }
  // 6. Code lenses over a feed's versions, and "Format Document" through the server.
  if (spec.lensFile) {
    try {
      await openFile(spec.lensFile);
      await retry("code lenses over the versions", async () => {
        const lenses = await page.locator(".monaco-editor .codelens-decoration").allInnerTexts();
        result.codeLenses = lenses.map((lens) => lens.replace(/\u00a0/g, " ").trim());
        return spec.lensExpect.every((want) => result.codeLenses.some((lens) => lens.includes(want)));
      }, { timeout: 60_000, pause: 1_000 });
      await shot("08-code-lens");
    } catch (error) {
      result.errors.push(`code lens: ${error.message} (saw ${JSON.stringify(result.codeLenses)})`);
      await shot("08-code-lens-failure");
    }
    try {
      await openFile(spec.formatFile);
      await runCommand("Format Document");
      await retry("Format Document rewrote the file", async () => {
        const lines = await page.locator(".monaco-editor .view-lines .view-line").allInnerTexts();
        result.formatted = lines.map((line) => line.replace(/\u00a0/g, " "));
        return result.formatted.some((line) => line.trim() === spec.formatExpect);
      }, { timeout: 30_000, pause: 1_000 });
      await shot("09-formatted");
    } catch (error) {
      result.errors.push(`format document: ${error.message} (saw ${JSON.stringify(result.formatted)})`);
      await shot("09-format-failure");
    }
  }
  } // steps
} catch (error) {
  if (!result.errors.some((known) => known.includes(error.message))) {
    result.errors.push(`driver: ${error.stack ?? error.message}`);
  }
  await shot("99-failure").catch(() => {});
} finally {
  await browser.close().catch(() => {});
}
process.stdout.write(JSON.stringify(result));
