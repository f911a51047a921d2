// The query editor: SQL run as an Athena query (the same executions and engine as the Athena API, work group
// "primary"), its state followed until it ends, the result as a table (the first 1,000 rows) with a CSV download of
// the whole result, Athena's error message when it fails, and the recent queries.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { bytes, count, time } from '../format.js';
import { field, showErrors, state, table } from '../ui.js';

/** How often a running query's state is read. */
const POLL_MS = 250;

export async function render(main, _params, query, isCurrent) {
  document.title = 'Query · Tributary';
  let databases = [];
  try {
    databases = (await api('/catalog/databases?limit=1000')).items.map((d) => d.name);
  } catch {
    // The editor still runs queries that name their database.
  }
  const chosen = query.get('database') ?? databases[0] ?? 'default';
  const database = h('select', { name: 'database' }, [...new Set([chosen, ...databases])].map((d) => h('option', { value: d, selected: d === chosen }, d)));
  database.value = chosen;
  const sql = h('textarea', { name: 'sql', rows: 8, spellcheck: 'false', value: query.get('sql') ?? '' });
  const status = h('p', { class: 'muted', 'aria-live': 'polite', id: 'query-status' });
  const result = h('div', { id: 'result' });
  const history = h('div', { id: 'history' });
  const run = h('button', { type: 'submit' }, 'Run');
  const form = h('form', { 'aria-labelledby': 'query-heading', novalidate: true },
    h('h1', { id: 'query-heading' }, 'Query'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'grid2' }, field('Database', database, 'database')),
    field('SQL', sql, 'sql', 'Athena SQL (Trino dialect): SELECT, WITH and VALUES. Ctrl+Enter runs it.'),
    h('div', { class: 'toolbar' }, run),
    status);
  sql.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    run.disabled = true;
    try {
      const started = await api('/queries', { method: 'POST', body: { sql: sql.value, database: database.value } });
      showErrors(form, null);
      await follow(started.id);
    } catch (error) {
      showErrors(form, error);
    } finally {
      run.disabled = false;
      loadHistory();
    }
  });

  async function follow(id) {
    replace(result);
    for (;;) {
      const execution = await api(`/queries/${id}`);
      status.replaceChildren(state(execution.state), ` ${execution.id}`);
      if (execution.state === 'SUCCEEDED') { show(execution); return; }
      if (execution.state === 'FAILED' || execution.state === 'CANCELLED') {
        replace(result, h('div', { class: 'alert error', role: 'alert' }, execution.error?.message ?? execution.state));
        return;
      }
      if (!isCurrent()) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  function show(execution) {
    const seconds = execution.completed && execution.started ? (Date.parse(execution.completed) - Date.parse(execution.started)) / 1000 : null;
    status.replaceChildren(state(execution.state), ` ${count(execution.totalRows)} rows${seconds !== null ? ` in ${seconds.toFixed(2)} s` : ''}, ${bytes(execution.dataScannedBytes)} scanned · `,
      h('a', { href: `/api/console/queries/${execution.id}/results.csv`, download: `${execution.id}.csv` }, 'Download CSV'));
    const columns = execution.columns.map((c, i) => ({ title: c.name, cell: (row) => (row[i] === null ? h('span', { class: 'muted' }, 'NULL') : row[i]) }));
    const shown = execution.rows.length < execution.totalRows ? `first ${count(execution.rows.length)} of ${count(execution.totalRows)} rows` : `${count(execution.totalRows)} rows`;
    replace(result, table(`Result: ${shown}`, columns, execution.rows, 'The query returned no rows.'));
  }

  async function loadHistory() {
    try {
      const items = await api('/queries');
      replace(history, table('Recent queries', [
        { title: 'Submitted', cell: (e) => time(Date.parse(e.submitted)) },
        { title: 'State', cell: (e) => state(e.state) },
        { title: 'Database', cell: (e) => e.database ?? '' },
        { title: 'Query', cell: (e) => h('button', { type: 'button', class: 'secondary', onclick: () => { sql.value = e.query; if (e.database) database.value = e.database; sql.focus(); } }, e.query.length > 80 ? `${e.query.slice(0, 80)}…` : e.query) },
      ], items, 'No queries yet.'));
    } catch {
      // The banner reports a lost server; the history is a convenience.
    }
  }

  replace(main, form, h('h2', null, 'Result'), result, h('h2', null, 'Recent queries'), history);
  loadHistory();
  sql.focus();
}
