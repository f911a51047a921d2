// The Glue Data Catalog: databases (with their table counts), the tables of one database (location, format,
// columns, partition keys) and the crawlers (state, targets, last crawl) with Start.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { failure, link, pager, state, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, _params, query) {
  document.title = 'Catalog · Tributary';
  const database = query.get('database') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const databases = h('div', { id: 'databases' }, h('p', { class: 'loading' }, 'Loading…'));
  const tables = h('div', { id: 'tables' });
  const crawlers = h('div', { id: 'crawlers' }, h('p', { class: 'loading' }, 'Loading…'));
  replace(main,
    h('h1', null, 'Catalog'),
    h('p', { class: 'muted' }, 'The Glue Data Catalog that Athena queries and delivery streams convert records with. ', link('/console/query', 'Query it with SQL'), '.'),
    h('h2', null, 'Databases'), databases,
    tables,
    h('h2', null, 'Crawlers'), crawlers);
  const byName = (name) => `/console/catalog?${new URLSearchParams({ database: name })}`;
  try {
    const page = await api('/catalog/databases?limit=200');
    replace(databases, table('Databases', [
      { title: 'Database', cell: (d) => link(byName(d.name), d.name) },
      { title: 'Tables', numeric: true, cell: (d) => count(d.tables) },
      { title: 'Location', cell: (d) => h('span', { class: 'mono' }, d.locationUri ?? '') },
      { title: 'Description', cell: (d) => d.description ?? '' },
    ], page.items, 'No databases yet: create one with Glue\'s CreateDatabase or a crawler.'));
  } catch (error) {
    replace(databases, failure(error));
  }
  if (database) {
    try {
      const page = await api(`/catalog/databases/${encodeURIComponent(database)}/tables?offset=${offset}`);
      const columns = (list) => list.map((c) => `${c.name} ${c.type}`).join(', ');
      replace(tables, h('h2', null, `Tables of ${database}`),
        table(`Tables of ${database}`, [
          { title: 'Table', cell: (t) => h('span', { class: 'mono' }, t.name) },
          { title: 'Format', cell: (t) => t.classification ?? (t.serializationLibrary ?? '').split('.').pop() },
          { title: 'Location', cell: (t) => h('span', { class: 'mono' }, t.location ?? '') },
          { title: 'Columns', cell: (t) => h('span', { class: 'mono' }, columns(t.columns)) },
          { title: 'Partition keys', cell: (t) => h('span', { class: 'mono' }, columns(t.partitionKeys)) },
          { title: 'Query', cell: (t) => link(`/console/query?${new URLSearchParams({ database, sql: `SELECT * FROM "${t.name}" LIMIT 10` })}`, `Query ${t.name}`) },
        ], page.items, 'No tables in this database.'),
        pager(page, (o) => navigate(`/console/catalog?${new URLSearchParams({ database, offset: String(o) })}`, true)));
    } catch (error) {
      replace(tables, h('h2', null, `Tables of ${database}`), failure(error));
    }
  }
  try {
    const page = await api('/catalog/crawlers?limit=200');
    const message = h('p', { class: 'muted', 'aria-live': 'polite' });
    const start = (c) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try {
        await api(`/catalog/crawlers/${encodeURIComponent(c.name)}/start`, { method: 'POST' });
        message.textContent = `Crawler ${c.name} started.`;
      } catch (error) {
        message.textContent = error.message;
      }
    } }, `Start ${c.name}`);
    replace(crawlers, table('Crawlers', [
      { title: 'Crawler', cell: (c) => h('span', { class: 'mono' }, c.name) },
      { title: 'State', cell: (c) => state(c.state) },
      { title: 'Database', cell: (c) => c.database ?? '' },
      { title: 'Targets', cell: (c) => h('span', { class: 'mono' }, c.targets.join(', ')) },
      { title: 'Schedule', cell: (c) => c.schedule ?? '' },
      { title: 'Last crawl', cell: (c) => [c.lastCrawlStatus ?? 'never', c.lastCrawlError ? ` (${c.lastCrawlError})` : ''] },
      { title: 'Action', cell: (c) => (c.state === 'READY' ? start(c) : '') },
    ], page.items, 'No crawlers yet.'), message);
  } catch (error) {
    replace(crawlers, failure(error));
  }
}
