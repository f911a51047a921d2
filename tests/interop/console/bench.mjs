// The console's page-load benchmark in Debian's chromium: node bench.mjs BASE_URL TOPIC ROUNDS
// Prints JSON lines {bench, metric, value, unit, reference, ratio}, each beside a reference measured in the same run:
//  - topic list: first contentful paint and the time until the first page of rows is in the document, against the
//    FCP of the same page's rendered HTML (scripts removed, the same stylesheet) served by a plain node http server;
//  - message browser: the time from navigation until the 1,000-row table is in the document, and the fetch+render
//    time the page records, against a raw fetch + JSON.parse of the same API answer in the same page.
// Every figure is the median of ROUNDS fresh page loads (a new incognito context each, so nothing is cached).
import http from 'node:http';
import { launch, newPage, report, check } from './lib.mjs';

const [base, topic, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const errors = [];
const browser = await launch();

async function fresh(url, until) {
  const context = await browser.createBrowserContext();
  const page = await newPage(context, errors);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const done = await page.waitForFunction(until, { polling: 'raf', timeout: 60000 }).then(() => page.evaluate(() => performance.now()));
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, { timeout: 60000 });
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime);
  return { page, context, fcp, done };
}

try {
  // The topic list.
  const listUrl = `${base}/console/topics`;
  const rowsReady = () => document.querySelectorAll('#topic-list tbody tr').length >= 50;
  const list = { fcp: [], rows: [] };
  let snapshot = null;
  for (let i = 0; i < rounds; i++) {
    const run = await fresh(listUrl, rowsReady);
    list.fcp.push(run.fcp);
    list.rows.push(run.done);
    const total = await run.page.$eval('.pager span', (e) => e.textContent);
    check(/of 10,0\d\d/.test(total), `the list does not span the 10,000 topics: "${total}"`);
    snapshot ??= await run.page.evaluate(() => {
      const copy = document.documentElement.cloneNode(true);
      copy.querySelectorAll('script, link[rel=modulepreload]').forEach((s) => s.remove());
      return '<!doctype html>' + copy.outerHTML;
    });
    await run.context.close();
  }
  const css = await (await fetch(`${base}/console/app.css`)).text();
  const server = http.createServer((request, response) => {
    if (request.url.startsWith('/console/app.css')) { response.writeHead(200, { 'content-type': 'text/css' }); response.end(css); return; }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(snapshot);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const staticUrl = `http://127.0.0.1:${server.address().port}/console/topics`;
  const reference = [];
  for (let i = 0; i < rounds; i++) {
    const run = await fresh(staticUrl, rowsReady);
    reference.push(run.fcp);
    await run.context.close();
  }
  server.close();
  const ref = median(reference);
  for (const [metric, values] of [['first_contentful_paint', list.fcp], ['first_page_of_rows', list.rows]]) {
    const value = median(values);
    report({ bench: 'console-topic-list-10000', metric, value: Math.round(value), unit: 'ms', reference: { what: 'FCP of the same rendered page as static HTML from a node http server', value: Math.round(ref), unit: 'ms' }, ratio: Number((value / ref).toFixed(2)), samples: values.map(Math.round) });
  }

  // The message browser with 1,000 messages.
  const browseUrl = `${base}/console/topics/${encodeURIComponent(topic)}?limit=1000`;
  const thousand = () => { const t = document.querySelector('#messages tbody'); return t && t.rows.length >= 1000; };
  const shown = [], page = [], raw = [];
  for (let i = 0; i < rounds; i++) {
    const run = await fresh(browseUrl, thousand);
    shown.push(run.done);
    page.push(Number(await run.page.$eval('#messages', (e) => e.dataset.renderMs)));
    raw.push(await run.page.evaluate(async (t) => {
      const started = performance.now();
      const answer = await (await fetch(`/api/console/topics/${encodeURIComponent(t)}/messages?partition=0&limit=1000`)).json();
      if (answer.items.length !== 1000) throw new Error(`raw fetch got ${answer.items.length} messages`);
      return performance.now() - started;
    }, topic));
    await run.context.close();
  }
  const rawMedian = median(raw);
  report({ bench: 'console-message-browser-1000', metric: 'navigation_to_1000_rows', value: Math.round(median(shown)), unit: 'ms', reference: { what: 'raw fetch + JSON.parse of the same 1,000 messages in the page', value: Math.round(rawMedian), unit: 'ms' }, ratio: Number((median(shown) / rawMedian).toFixed(2)), samples: shown.map(Math.round) });
  report({ bench: 'console-message-browser-1000', metric: 'fetch_and_render', value: Math.round(median(page)), unit: 'ms', reference: { what: 'raw fetch + JSON.parse of the same 1,000 messages in the page', value: Math.round(rawMedian), unit: 'ms' }, ratio: Number((median(page) / rawMedian).toFixed(2)), samples: page });
  if (errors.length > 0) throw new Error(errors.join('\n'));
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
