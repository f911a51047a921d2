// What the console's browser scripts share: Debian's chromium driven by puppeteer-core, at a laptop's viewport.
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run ./test.sh (apt-get install chromium)`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

/** A page at 1366×800 (a common laptop screen) that fails the run on any uncaught script error. */
export async function newPage(browser, errors) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1366, height: 800 });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.setDefaultTimeout(20000);
  return page;
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Waits until the page's text (of a selector) contains the given text. */
export async function waitForText(page, selector, text, timeout = 20000) {
  await page.waitForFunction((s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)), { timeout }, selector, text);
}

export const report = (object) => console.log(JSON.stringify(object));
