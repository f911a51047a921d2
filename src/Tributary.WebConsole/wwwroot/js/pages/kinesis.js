// Kinesis streams: status, capacity mode, open and closed shards, retention.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { time } from '../format.js';
import { failure, pager, state, table } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, _params, query) {
  document.title = 'Kinesis streams · Tributary';
  const offset = Number(query.get('offset') ?? 0);
  const list = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  replace(main, h('h1', null, 'Kinesis streams'), list);
  try {
    const page = await api(`/kinesis/streams?offset=${offset}`);
    replace(list, table('Kinesis streams', [
      { title: 'Stream', cell: (s) => s.name },
      { title: 'Status', cell: (s) => state(s.status) },
      { title: 'Mode', cell: (s) => s.mode },
      { title: 'Open shards', numeric: true, cell: (s) => String(s.openShards) },
      { title: 'Closed shards', numeric: true, cell: (s) => String(s.closedShards) },
      { title: 'Retention', numeric: true, cell: (s) => `${s.retentionHours} h` },
      { title: 'Created', cell: (s) => time(s.createdMs) },
    ], page.items, 'No Kinesis streams yet.'), pager(page, (o) => navigate(`/console/kinesis?offset=${o}`, true)));
  } catch (error) {
    replace(list, failure(error));
  }
}
