// Overview: the cluster, counts and sizes, and alerts (refreshed every 5 s while the page is shown).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { bytes, count } from '../format.js';
import { failure, table } from '../ui.js';

export async function render(main, _params, _query, isCurrent) {
  document.title = 'Overview · Tributary';
  const body = h('div', null, h('p', { class: 'loading' }, 'Loading…'));
  replace(main, h('h1', null, 'Overview'), body);
  async function load() {
    try {
      const o = await api('/overview');
      const card = (label, value, href) => h('div', { class: 'card' }, h('div', { class: 'value' }, href ? h('a', { href, 'data-link': true }, value) : value), h('div', { class: 'label' }, label));
      replace(body,
        h('p', { class: 'muted' }, `Cluster ${o.clusterId}`),
        h('div', { class: 'cards' },
          card('Topics', count(o.topics), '/console/topics'),
          card('Partitions', count(o.partitions)),
          card('Stored', bytes(o.sizeBytes)),
          card('Consumer groups', count(o.groups), '/console/groups'),
          card('Total lag (records)', count(o.totalLag)),
          card('Delivery streams', count(o.deliveryStreams), '/console/delivery-streams'),
          card('Kinesis streams', count(o.kinesisStreams), '/console/kinesis'),
          card('Connectors', o.connectors === null ? 'off' : count(o.connectors), '/console/connectors')),
        h('h2', null, 'Alerts'),
        o.alerts.length === 0 ? h('p', { class: 'muted' }, 'No alerts.') : o.alerts.map((a) => h('div', { class: `alert ${a.severity}` }, a.message)),
        h('h2', null, 'Brokers'),
        table('Brokers of this cluster', [
          { title: 'Node', cell: (b) => String(b.id) },
          { title: 'Data directory', cell: (b) => h('span', { class: 'mono' }, b.dataDirectory) },
        ], o.brokers));
    } catch (error) {
      if (error.status !== 0) replace(body, failure(error));
    }
  }
  await load();
  const timer = setInterval(() => (isCurrent() ? load() : clearInterval(timer)), 5000);
}
