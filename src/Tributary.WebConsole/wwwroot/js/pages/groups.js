// Consumer groups: one server page at a time, with state, members and total lag.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { failure, link, pager, searchBox, state, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, _params, query) {
  document.title = 'Consumer groups · Tributary';
  const search = query.get('search') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  const go = (s, o) => navigate(`/console/groups?${new URLSearchParams({ search: s, offset: String(o) })}`, true);
  replace(main, h('h1', null, 'Consumer groups'), h('div', { class: 'toolbar' }, searchBox('Search groups', search, (t) => go(t, 0))), list);
  try {
    const page = await api(`/groups?${new URLSearchParams({ search, offset: String(offset) })}`);
    replace(list, table('Consumer groups', [
      { title: 'Group', cell: (g) => link(`/console/groups/${encodeURIComponent(g.groupId)}`, g.groupId) },
      { title: 'State', cell: (g) => state(g.state) },
      { title: 'Protocol', cell: (g) => `${g.type}${g.protocolType ? ` (${g.protocolType})` : ''}` },
      { title: 'Members', numeric: true, cell: (g) => String(g.members) },
      { title: 'Lag', numeric: true, cell: (g) => count(g.lag) },
    ], page.items, 'No consumer groups yet.'), pager(page, (o) => go(search, o)));
  } catch (error) {
    replace(list, failure(error));
  }
}
