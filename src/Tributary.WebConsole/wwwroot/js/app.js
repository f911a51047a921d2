// The console's shell: a client-side router over /console/… paths, each route one page module
// (pages/*.js, each exporting render(main, params, query)). Links marked data-link navigate without a reload.
import { watchConnection } from './api.js';
import { h, replace } from './dom.js';

const routes = [
  [/^\/console\/?$/, 'overview', () => import('./pages/overview.js')],
  [/^\/console\/topics\/?$/, 'topics', () => import('./pages/topics.js')],
  [/^\/console\/topics\/(?<name>[^/]+)$/, 'topics', () => import('./pages/topic.js')],
  [/^\/console\/groups\/?$/, 'groups', () => import('./pages/groups.js')],
  [/^\/console\/groups\/(?<id>[^/]+)$/, 'groups', () => import('./pages/group.js')],
  [/^\/console\/kinesis\/?$/, 'kinesis', () => import('./pages/kinesis.js')],
  [/^\/console\/delivery-streams\/?$/, 'delivery-streams', () => import('./pages/delivery-streams.js')],
  [/^\/console\/delivery-streams\/new$/, 'delivery-streams', () => import('./pages/delivery-stream-form.js')],
  [/^\/console\/delivery-streams\/(?<name>[^/]+)$/, 'delivery-streams', () => import('./pages/delivery-stream.js')],
  [/^\/console\/connectors\/?$/, 'connectors', () => import('./pages/connectors.js')],
  [/^\/console\/connectors\/new$/, 'connectors', () => import('./pages/connector-form.js')],
  [/^\/console\/connectors\/(?<name>[^/]+)$/, 'connectors', () => import('./pages/connector.js')],
  [/^\/console\/generator\/?$/, 'generator', () => import('./pages/generator.js')],
  [/^\/console\/catalog\/?$/, 'catalog', () => import('./pages/catalog.js')],
  [/^\/console\/query\/?$/, 'query', () => import('./pages/query.js')],
];

let generation = 0;

export function navigate(href, replaceState = false) {
  if (replaceState) history.replaceState(null, '', href); else history.pushState(null, '', href);
  return render();
}

async function render() {
  const current = ++generation;
  const main = document.getElementById('main');
  const path = location.pathname;
  const match = routes.find(([pattern]) => pattern.test(path));
  for (const a of document.querySelectorAll('nav a[data-section]')) {
    if (match && a.dataset.section === match[1]) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (!match) {
    document.title = 'Not found · Tributary';
    replace(main, h('h1', null, 'Not found'), h('p', null, `No page at ${path}.`));
    return;
  }
  const params = Object.fromEntries(Object.entries(path.match(match[0]).groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
  const page = await match[2]();
  if (current !== generation) return;
  await page.render(main, params, new URLSearchParams(location.search), () => current === generation);
}

document.addEventListener('click', (event) => {
  const a = event.target.closest?.('a[data-link]');
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(a.getAttribute('href')).then(() => document.getElementById('main').focus({ preventScroll: true }));
});
window.addEventListener('popstate', render);
watchConnection();
render();
