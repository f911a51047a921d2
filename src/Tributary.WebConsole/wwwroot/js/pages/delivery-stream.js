// One delivery stream: status, failure, figures and its definition as a CreateDeliveryStream request.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { bytes, count, time } from '../format.js';
import { confirmButton, failure, state } from '../ui.js';
import { navigate } from '../app.js';

export async function render(main, { name }, _query, isCurrent) {
  document.title = `${name} · Delivery streams · Tributary`;
  const path = `/delivery-streams/${encodeURIComponent(name)}`;
  async function load() {
    let d;
    try {
      d = await api(path);
    } catch (error) {
      if (error.status !== 0) replace(main, h('h1', null, name), failure(error));
      return;
    }
    const m = d.metrics;
    const card = (label, value) => h('div', { class: 'card' }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
    replace(main,
      h('h1', null, `Delivery stream ${name}`),
      h('p', null, 'Status ', state(d.stream.status), ` · ${d.stream.source} → `, h('span', { class: 'mono' }, d.stream.bucket), ` · version ${d.versionId} · created ${time(Date.parse(d.createTimestamp))}`),
      d.stream.failure ? h('div', { class: 'alert error', role: 'alert' }, d.stream.failure) : null,
      h('div', { class: 'cards' },
        card('Records in', count(m.incomingRecords)), card('Bytes in', bytes(m.incomingBytes)),
        card('Records delivered', count(m.deliveredRecords)), card('Objects delivered', count(m.deliveredObjects)),
        card('Data freshness', `${Math.round(m.dataFreshnessSeconds)} s`), card('Retries', count(m.deliveryRetries))),
      h('div', { class: 'toolbar' }, confirmButton('Delete stream', `Delete ${name}? Undelivered direct puts are dropped.`, async () => {
        try { await api(path, { method: 'DELETE' }); await navigate('/console/delivery-streams'); } catch (error) { main.prepend(failure(error)); }
      })),
      h('h2', null, 'Definition'),
      h('pre', { tabindex: '0', role: 'region', 'aria-label': 'The stream as a CreateDeliveryStream request' }, JSON.stringify(d.request, null, 2)));
  }
  await load();
  const timer = setInterval(() => (isCurrent() && !main.querySelector('.confirm') ? load() : (!isCurrent() && clearInterval(timer))), 5000);
}
