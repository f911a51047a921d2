// Delivery streams: status, source, destination and figures, one server page at a time.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { failure, link, pager, state, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, _params, query) {
  document.title = 'Delivery streams · Tributary';
  const offset = Number(query.get('offset') ?? 0);
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  replace(main, h('h1', null, 'Delivery streams'), h('div', { class: 'toolbar' }, h('a', { href: '/console/delivery-streams/new', 'data-link': true }, 'Create a delivery stream')), list);
  try {
    const page = await api(`/delivery-streams?offset=${offset}`);
    replace(list, table('Delivery streams', [
      { title: 'Stream', cell: (s) => link(`/console/delivery-streams/${encodeURIComponent(s.name)}`, s.name) },
      { title: 'Status', cell: (s) => state(s.status) },
      { title: 'Source', cell: (s) => s.source },
      { title: 'Destination', cell: (s) => h('span', { class: 'mono' }, `${s.bucket}${s.prefix ? `/${s.prefix}` : ''}`) },
      { title: 'Records in', numeric: true, cell: (s) => count(s.incomingRecords) },
      { title: 'Objects delivered', numeric: true, cell: (s) => count(s.deliveredObjects) },
      { title: 'Freshness', numeric: true, cell: (s) => `${Math.round(s.dataFreshnessSeconds)} s` },
    ], page.items, 'No delivery streams yet.'), pager(page, (o) => navigate(`/console/delivery-streams?offset=${o}`, true)));
  } catch (error) {
    replace(list, failure(error));
  }
}
