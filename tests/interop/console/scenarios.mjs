// Browser scenarios of the web console, each run by tests/Tributary.WebConsole.Tests against the real server:
//   node scenarios.mjs SCENARIO BASE_URL SCREENSHOT_DIR [ARGUMENT]
// Prints one JSON line per finding and exits 1 with the reason when a check fails.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { check, launch, newPage, report, waitForText } from './lib.mjs';

const [scenario, base, shots, argument] = process.argv.slice(2);
const shot = (page, name, fullPage = false) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
const errors = [];

/** The texts of one column (index; -1: the last) of the table with this caption. */
const columnOf = (page, caption, index) => page.evaluate((c, i) => {
  const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === c);
  return table ? [...table.tBodies[0].rows].map((r) => r.cells[i < 0 ? r.cells.length + i : i].textContent) : [];
}, caption, index);

const scenarios = {
  // Topic list (paged, searchable), create through the form, produce through the form, browse as JSON and hex.
  async topics(page) {
    await page.goto(`${base}/console/topics`);
    await page.waitForSelector('#topic-list table');
    const rows = await page.$$eval('#topic-list tbody tr', (r) => r.length);
    check(rows === 50, `the first page shows ${rows} topics, expected 50 of the seeded ones`);
    const summary = await page.$eval('.pager span', (e) => e.textContent);
    check(/1–50 of [\d,]+/.test(summary), `pager says "${summary}"`);
    await shot(page, 'topics');
    await page.type('input[type=search]', 'seeded-0001');
    // The list is replaced by the search's page (it shows "Loading…" in between): wait for the matching rows.
    await page.waitForFunction(() => {
      const names = [...document.querySelectorAll('#topic-list tbody tr td:first-child')];
      return names.length > 0 && names.every((n) => n.textContent.includes('seeded-0001'));
    });
    const stillFocused = await page.evaluate(() => document.activeElement?.getAttribute('type'));
    check(stillFocused === 'search', `after the search the focus is on ${stillFocused}, not the search box`);
    const found = await page.$$eval('#topic-list tbody tr td:first-child', (c) => c.map((x) => x.textContent));
    check(found.length === 1 && found[0] === 'seeded-0001', `search found ${JSON.stringify(found)}`);

    await page.goto(`${base}/console/topics`);
    await page.waitForSelector('#topic-list table');
    await page.type('form input[name=name]', 'browser-made');
    await page.$eval('form input[name=partitions]', (e) => { e.value = '3'; });
    // Submitted from the keyboard: Enter in a field of the form.
    await page.focus('form input[name=partitions]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/console/topics/browser-made');
    await waitForText(page, 'h1', 'Topic browser-made');
    const partitions = (await columnOf(page, 'Partitions and offsets', 0)).length;
    check(partitions === 3, `the new topic shows ${partitions} partitions, expected 3`);

    await page.select('form[aria-labelledby=produce-heading] select[name=partition]', '1');
    await page.type('form[aria-labelledby=produce-heading] input[name=key]', 'order-1');
    await page.type('form[aria-labelledby=produce-heading] textarea[name=value]', '{"id":1,"item":"kayak"}');
    await page.type('form[aria-labelledby=produce-heading] textarea[name=headers]', 'source: console');
    await page.click('form[aria-labelledby=produce-heading] button[type=submit]');
    await waitForText(page, 'form[aria-labelledby=produce-heading] p', 'Written at offset 0 of partition 1');

    await page.select('form.browse select[name=partition]', '1');
    await page.click('form.browse button[type=submit]');
    await waitForText(page, '#messages', '"item": "kayak"');
    const cells = await page.$$eval('#messages tbody tr td', (c) => c.map((x) => x.textContent));
    check(cells[0] === '0' && cells[2] === 'order-1' && cells[3].includes('source: console'), `browsed row ${JSON.stringify(cells)}`);
    await shot(page, 'topic', true);
    await page.select('form.browse select[name=format]', 'hex');
    await waitForText(page, '#messages', '7b 22 69 64');

    // Delete, confirmed in place: the first press only asks.
    await page.goto(`${base}/console/topics/${argument}`);
    await waitForText(page, 'h1', `Topic ${argument}`);
    await page.click('main .toolbar button.danger');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    check(focused === 'Confirm', `after Delete, focus is on "${focused}", not on Confirm`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/console/topics');
    report({ scenario, rows, search: found.length, produced: true, deleted: argument });
  },

  // The creation form: a server validation message beside its field first, then a stream created from a topic to Parquet-less JSON.
  async delivery(page) {
    await page.goto(`${base}/console/delivery-streams/new`);
    await page.waitForSelector('form input[name=name]');
    await page.type('input[name=name]', 'orders-to-s3');
    await page.type('input[name=topic]', argument);
    await page.type('input[name=bucket]', 'not-a-bucket-arn');
    await page.$eval('input[name=size]', (e) => { e.value = '500'; });
    await page.click('form button[type=submit]');
    await page.waitForSelector('[data-error-for="extendedS3DestinationConfiguration.bucketARN"]:not([hidden])');
    const bucketError = await page.$eval('[data-error-for="extendedS3DestinationConfiguration.bucketARN"]', (e) => e.textContent);
    const sizeError = await page.$eval('[data-error-for="extendedS3DestinationConfiguration.bufferingHints.sizeInMBs"]', (e) => e.textContent);
    check(bucketError.includes('regular expression pattern'), `bucket field says "${bucketError}"`);
    check(sizeError.includes('less than or equal to 128'), `buffer size field says "${sizeError}"`);
    const invalid = await page.$eval('input[name=bucket]', (e) => e.getAttribute('aria-invalid'));
    check(invalid === 'true', 'the bucket input is not marked aria-invalid');
    await shot(page, 'delivery-stream-form-error', true);
    await page.$eval('input[name=bucket]', (e) => { e.value = ''; });
    await page.type('input[name=bucket]', 'arn:aws:s3:::console-bucket');
    await page.$eval('input[name=size]', (e) => { e.value = '1'; });
    await page.$eval('input[name=interval]', (e) => { e.value = '0'; });
    await page.click('form button[type=submit]');
    await page.waitForFunction(() => location.pathname === '/console/delivery-streams/orders-to-s3');
    await waitForText(page, 'h1', 'Delivery stream orders-to-s3');
    await waitForText(page, 'main', 'ACTIVE');
    await shot(page, 'delivery-stream', true);
    await page.goto(`${base}/console/delivery-streams`);
    await waitForText(page, 'main table', 'orders-to-s3');
    await shot(page, 'delivery-streams');
    report({ scenario, bucketError, sizeError });
  },

  // A connector's status page: RUNNING with its task, then pause and resume from the page; a FAILED task's trace.
  // ARGUMENT: "running-connector,failed-connector".
  async connector(page) {
    const [running, failed] = argument.split(',');
    await page.goto(`${base}/console/connectors`);
    await waitForText(page, 'main table', running);
    await shot(page, 'connectors', true);
    await page.click(`a[href="/console/connectors/${running}"]`);
    await waitForText(page, 'h1', `Connector ${running}`);
    await waitForText(page, 'main table', 'RUNNING');
    await shot(page, 'connector', true);
    await page.click('main .toolbar button:first-child');
    await waitForText(page, 'main p .state', 'PAUSED');
    const buttons = await page.$$('main .toolbar button');
    await buttons[1].click();
    await waitForText(page, 'main p .state', 'RUNNING');
    await page.goto(`${base}/console/connectors/${failed}`);
    await waitForText(page, 'main table', 'FAILED');
    const trace = await page.$eval('main table details pre', (e) => e.textContent);
    check(trace.includes('generated the configured'), `the failed task's trace is "${trace.slice(0, 200)}"`);
    await page.click('main table details summary');
    await shot(page, 'connector-failed-task', true);
    report({ scenario, connector: running, paused: true, resumed: true, trace: trace.split('\n')[0] });
  },

  // A group's lag per partition and a reset to the latest offsets, through the confirmation.
  async groups(page) {
    await page.goto(`${base}/console/groups`);
    await waitForText(page, 'main table', argument);
    await shot(page, 'groups');
    await page.goto(`${base}/console/groups/${argument}`);
    await waitForText(page, 'h1', `Consumer group ${argument}`);
    const lagBefore = (await columnOf(page, 'Committed offsets and lag', -1)).map((x) => Number(x.replace(/,/g, '')));
    check(lagBefore.some((l) => l > 0), `lag before the reset is ${JSON.stringify(lagBefore)}`);
    await shot(page, 'group', true);
    await page.select('select[name=to]', 'latest');
    const reset = await page.$$('form[aria-labelledby=reset-heading] button');
    await reset[0].click();
    await page.waitForSelector('.confirm button.danger');
    await page.click('.confirm button.danger');
    await page.waitForFunction(() => { const t = [...document.querySelectorAll('table')].find((x) => x.caption?.textContent === 'Committed offsets and lag'); return t && [...t.tBodies[0].rows].every((r) => r.cells[r.cells.length - 1].textContent === '0'); });
    report({ scenario, lagBefore });
  },

  // axe-core on every page: no serious or critical violations.
  async axe(page) {
    const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const pages = argument.split(',');
    const found = [];
    for (const at of pages) {
      await page.goto(`${base}${at}`);
      await page.waitForFunction(() => !document.querySelector('main .loading'), { timeout: 20000 });
      await page.addScriptTag({ content: source });
      const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
      // Pages no other scenario photographs.
      const name = { '/console/': 'overview', '/console/kinesis': 'kinesis-streams' }[at];
      if (name) await shot(page, name, true);
      for (const v of result.violations) {
        found.push({ page: at, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0]?.target });
      }
    }
    for (const v of found) report({ scenario, violation: v });
    const serious = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    check(serious.length === 0, `serious accessibility violations: ${JSON.stringify(serious)}`);
    report({ scenario, pages: pages.length, violations: found.length, serious: 0 });
  },

  // The connection-lost banner: the page is loaded, READY_FILE is written, the harness kills the server, the banner must show.
  async banner(page) {
    await page.goto(`${base}/console/`);
    await waitForText(page, 'main', 'Topics');
    const hiddenBefore = await page.$eval('#banner', (e) => e.hidden);
    check(hiddenBefore, 'the banner shows while the server answers');
    writeFileSync(argument, 'ready');
    await page.waitForSelector('#banner:not([hidden])', { timeout: 30000 });
    const text = await page.$eval('#banner', (e) => e.textContent);
    check(text.includes('Connection to Tributary lost'), `banner says "${text}"`);
    const cards = await page.$$eval('.card', (c) => c.length);
    check(cards > 0, 'the page went blank instead of keeping its last data');
    await shot(page, 'connection-lost');
    report({ scenario, banner: text });
  },
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const browser = await launch();
try {
  const page = await newPage(browser, errors);
  await run(page);
  if (errors.length > 0) throw new Error(errors.join('\n'));
} catch (error) {
  console.error(`${scenario}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
