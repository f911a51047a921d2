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

  // The connector wizard: FileStreamSource chosen, its form drawn from the plugin's definitions, an invalid value
  // answered by Connect's message beside its field while typing, then the connector created and RUNNING, its records
  // browsed in the topic, and deleted through the confirmation. ARGUMENT: "name,file,topic,last line of the file".
  async wizard(page) {
    const [name, file, topic, lastLine] = argument.split(',');
    const fileSource = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
    await page.goto(`${base}/console/connectors`);
    await page.waitForSelector('a[href="/console/connectors/new"]');
    await page.click('a[href="/console/connectors/new"]');
    await page.waitForSelector(`select[name="connector.class"] option[value="${fileSource}"]`);
    await page.select('select[name="connector.class"]', fileSource);
    await page.waitForSelector('input[name="batch.size"]');
    const groups = await page.$$eval('details.group summary', (s) => s.map((x) => x.textContent));
    check(groups.length > 1, `the wizard drew the groups ${JSON.stringify(groups)}`);
    await page.type('input[name="name"]', name);
    await page.type('input[name="batch.size"]', 'many');
    await page.waitForSelector('[data-error-for="batch.size"]:not([hidden])');
    const batchError = await page.$eval('[data-error-for="batch.size"]', (e) => e.textContent);
    check(batchError.includes('Invalid value many for configuration batch.size') && batchError.includes('Not a number of type INT'), `batch.size says "${batchError}"`);
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('name'));
    check(focused === 'batch.size', `validation moved the focus to ${focused}`);
    const invalid = await page.$eval('input[name="batch.size"]', (e) => e.getAttribute('aria-invalid'));
    check(invalid === 'true', 'the batch.size input is not marked aria-invalid');
    await shot(page, 'connector-wizard-error', true);
    await page.$eval('input[name="batch.size"]', (e) => { e.value = ''; });
    await page.type('input[name="batch.size"]', '2');
    await page.waitForSelector('[data-error-for="batch.size"][hidden]');
    await page.type('input[name="file"]', file);
    await page.type('input[name="topic"]', topic);
    await page.click('form button[type=submit]');
    await page.waitForFunction((n) => location.pathname === `/console/connectors/${n}`, {}, name);
    await waitForText(page, 'main p .state', 'RUNNING');
    await page.waitForFunction(() => [...document.querySelectorAll('table')].some((t) => t.caption?.textContent === 'Tasks' && t.tBodies[0].rows[0]?.cells[1].textContent === 'RUNNING'), { timeout: 30000 });
    await shot(page, 'connector-created', true);
    // The file's lines arrive in the topic: browsed through the topic page until the last one shows.
    let seen = false;
    for (let attempt = 0; attempt < 20 && !seen; attempt++) {
      await page.goto(`${base}/console/topics/${topic}`);
      await page.waitForSelector('form.browse button[type=submit]');
      await page.click('form.browse button[type=submit]');
      await page.waitForSelector('#messages');
      seen = await page.$eval('#messages', (e, t) => e.textContent.includes(t), lastLine).catch(() => false);
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    check(seen, `the topic ${topic} never showed "${lastLine}"`);
    await page.goto(`${base}/console/connectors/${name}`);
    await waitForText(page, 'h1', `Connector ${name}`);
    const remove = (await page.$$('main .toolbar button')).at(-1);
    check((await remove.evaluate((e) => e.textContent)) === 'Delete', 'the last toolbar button is not Delete');
    await remove.click();
    const confirmFocus = await page.evaluate(() => document.activeElement?.textContent);
    check(confirmFocus === 'Confirm', `after Delete, focus is on "${confirmFocus}", not on Confirm`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/console/connectors');
    await page.waitForSelector('main table, main p.muted');
    const listed = await page.$$eval('main table tbody tr td:first-child', (c) => c.map((x) => x.textContent));
    check(!listed.includes(name), `the deleted connector is still listed: ${JSON.stringify(listed)}`);
    report({ scenario, connector: name, batchError, groups: groups.length, deleted: true });
  },

  // The data generator: a malformed template shows the compiler's message (line and column) beside the template;
  // the example previews as JSON; a run into a topic shows a moving rate and total, then stops. ARGUMENT: the topic.
  async generator(page) {
    await page.goto(`${base}/console/generator`);
    await page.waitForSelector('textarea[name=template]');
    const example = await page.$eval('textarea[name=template]', (e) => e.value);
    const clickButton = async (text) => {
      const buttons = await page.$$('main button');
      for (const b of buttons) if ((await b.evaluate((e) => e.textContent)) === text) { await b.click(); return; }
      throw new Error(`no button "${text}"`);
    };
    await page.$eval('textarea[name=template]', (e) => { e.value = '{\n  "id": {{random.number(10)}},\n  "name": {{name.nosuch}}\n}'; });
    await clickButton('Preview');
    await page.waitForSelector('[data-error-for="template"]:not([hidden])');
    const templateError = await page.$eval('[data-error-for="template"]', (e) => e.textContent);
    check(/line 3, column \d+/.test(templateError) && templateError.includes('name.nosuch'), `the template error says "${templateError}"`);
    await shot(page, 'generator-template-error', true);
    await page.$eval('textarea[name=template]', (e, t) => { e.value = t; }, example);
    await clickButton('Preview');
    await page.waitForFunction(() => document.querySelectorAll('#preview pre').length === 3);
    const sample = JSON.parse(await page.$eval('#preview pre', (e) => e.textContent));
    check(Number.isInteger(sample.sensorId) && ['OK', 'FAIL', 'WARN'].includes(sample.status), `a preview record is ${JSON.stringify(sample)}`);
    await page.type('input[name=target]', argument);
    await page.$eval('input[name=rate]', (e) => { e.value = '200'; });
    await page.click('form button[type=submit]');
    await waitForText(page, '#runs table', 'RUNNING');
    const id = await page.$eval('#runs tbody tr td', (e) => e.textContent);
    const figure = (kind) => page.$eval(`[data-${kind}="${id}"]`, (e) => Number(e.textContent.replace(/,/g, '')));
    await page.waitForFunction((r) => Number(document.querySelector(`[data-rate="${r}"]`)?.textContent.replace(/,/g, '')) > 0, { timeout: 30000 }, id);
    const firstSent = await figure('sent');
    await page.waitForFunction((r, n) => Number(document.querySelector(`[data-sent="${r}"]`)?.textContent.replace(/,/g, '')) > n, { timeout: 30000 }, id, firstSent);
    const rate = await figure('rate');
    await shot(page, 'generator', true);
    await clickButton('Stop');
    await page.waitForFunction((r) => [...document.querySelectorAll('#runs tbody tr')].some((row) => row.cells[0].textContent === r && row.cells[2].textContent === 'STOPPED'), {}, id);
    const sent = await figure('sent');
    check(sent > firstSent, `the total did not move: ${firstSent} then ${sent}`);
    report({ scenario, templateError, rate, firstSent, sent });
  },

  // The catalog and the query editor: the database and its table listed, a query run from the editor with its rows
  // shown and its CSV downloaded; a query naming a missing column shows Athena's error. ARGUMENT: "database,table,crawler".
  async query(page) {
    const [database, tableName, crawler] = argument.split(',');
    await page.goto(`${base}/console/catalog`);
    await waitForText(page, '#databases table', database);
    await waitForText(page, '#crawlers table', crawler);
    await page.click(`a[href="/console/catalog?database=${database}"]`);
    await waitForText(page, '#tables table', tableName);
    await shot(page, 'catalog', true);
    await page.click(`#tables a[href^="/console/query"]`);
    await page.waitForSelector('textarea[name=sql]');
    const selected = await page.$eval('select[name=database]', (e) => e.value);
    check(selected === database, `the editor's database is ${selected}`);
    await page.$eval('textarea[name=sql]', (e) => { e.value = ''; });
    await page.type('textarea[name=sql]', `SELECT id, name, amount FROM ${tableName} WHERE amount > 10 ORDER BY id`);
    await page.keyboard.down('Control');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Control');
    await page.waitForSelector('#result table');
    const rows = await page.$$eval('#result tbody tr', (r) => r.map((row) => [...row.cells].map((c) => c.textContent)));
    const headers = await page.$$eval('#result thead th', (c) => c.map((x) => x.textContent));
    const href = await page.$eval('#query-status a', (e) => e.getAttribute('href'));
    const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
    await shot(page, 'query', true);
    await page.$eval('textarea[name=sql]', (e) => { e.value = ''; });
    await page.type('textarea[name=sql]', `SELECT nosuch FROM ${tableName}`);
    await page.click('form button[type=submit]');
    await page.waitForSelector('#result .alert.error');
    const failure = await page.$eval('#result .alert.error', (e) => e.textContent);
    check(failure.toLowerCase().includes('nosuch'), `the failed query says "${failure}"`);
    report({ scenario, headers, rows, csv, failure });
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
      // A page that draws part of itself after its first answer (the wizard's fields) is checked once that part is there.
      if (at.startsWith('/console/connectors/new')) await page.waitForSelector('details.group');
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
let page;
try {
  page = await newPage(browser, errors);
  await run(page);
  if (errors.length > 0) throw new Error(errors.join('\n'));
} catch (error) {
  console.error(`${scenario}: ${error.message}\n${error.stack ?? ''}`);
  // What the page showed when it failed: its address and text (a wait that timed out says no more).
  const seen = await page?.evaluate(() => `${location.href}\n${document.querySelector('main')?.innerText ?? ''}`).catch(() => null);
  if (seen) console.error(`the page at the failure: ${seen.slice(0, 3000)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
