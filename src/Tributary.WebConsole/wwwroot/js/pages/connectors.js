// Connectors: their state and tasks (from the Connect worker), and the installed plugins.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { failure, link, pager, state, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, _params, query) {
  document.title = 'Connectors · Tributary';
  const offset = Number(query.get('offset') ?? 0);
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const plugins = h('div');
  replace(main, h('h1', null, 'Connectors'), h('div', { class: 'toolbar' }, link('/console/connectors/new', 'Create a connector')), list, h('h2', null, 'Plugins'), plugins);
  try {
    const page = await api(`/connectors?offset=${offset}`);
    replace(list, table('Connectors', [
      { title: 'Connector', cell: (c) => link(`/console/connectors/${encodeURIComponent(c.name)}`, c.name) },
      { title: 'Type', cell: (c) => c.type },
      { title: 'State', cell: (c) => state(c.state) },
      { title: 'Tasks running', numeric: true, cell: (c) => `${c.runningTasks} / ${c.tasks}` },
      { title: 'Tasks failed', numeric: true, cell: (c) => String(c.failedTasks) },
      { title: 'Class', cell: (c) => h('span', { class: 'mono' }, c.connectorClass ?? '') },
    ], page.items, 'No connectors yet.'), pager(page, (o) => navigate(`/console/connectors?offset=${o}`, true)));
  } catch (error) {
    replace(list, failure(error));
  }
  try {
    const found = await api('/connectors/plugins');
    replace(plugins, table('Connector plugins', [
      { title: 'Class', cell: (p) => h('span', { class: 'mono' }, p.class) },
      { title: 'Create', cell: (p) => (p.type === 'source' || p.type === 'sink' ? link(`/console/connectors/new?class=${encodeURIComponent(p.class)}`, `New ${p.class.split('.').pop()}`) : '') },
      { title: 'Type', cell: (p) => p.type },
      { title: 'Version', cell: (p) => p.version ?? '' },
    ], found));
  } catch (error) {
    replace(plugins, failure(error));
  }
}
