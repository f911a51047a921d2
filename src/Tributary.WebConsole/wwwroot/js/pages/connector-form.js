// Create a connector: choose a plugin, then fill a form drawn from that plugin's configuration definitions as
// Connect's validate endpoint answers them (its groups, each key's display name, documentation and default). Every
// change is sent to validate again once typing pauses, and each key's errors (Connect's own messages) show beside its
// field while the focus stays where it is. Create posts the configuration to Connect.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { failure, field, showErrors } from '../ui.js';
import { navigate } from '../app.js';

/** Typing pauses this long before the configuration is validated (one request per pause, not per key press). */
const DEBOUNCE_MS = 300;
const CLASS = 'connector.class';

export async function render(main, _params, query) {
  document.title = 'Create a connector · Connectors · Tributary';
  let plugins;
  try {
    plugins = await api('/connectors/plugins');
  } catch (error) {
    replace(main, h('h1', null, 'Create a connector'), failure(error));
    return;
  }
  const plugin = h('select', { name: CLASS },
    h('option', { value: '' }, 'Choose a plugin…'),
    plugins.map((p) => h('option', { value: p.class }, `${p.class} (${p.type}${p.version ? `, ${p.version}` : ''})`)));
  const groups = h('div', { id: 'connector-groups' });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', disabled: true }, 'Create connector');
  const form = h('form', { 'aria-labelledby': 'create-connector-heading', novalidate: true },
    h('h1', { id: 'create-connector-heading' }, 'Create a connector'),
    h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('fieldset', null, h('legend', null, 'Plugin'), field('Connector class', plugin, CLASS, 'The configuration below comes from this plugin\'s definitions.')),
    groups, status, submit);

  // Drawn keys: name → { input, holder (the field's div), group }. Keys the user changed show their errors at once;
  // the others (a required key not reached yet) only after a Create.
  let keys = new Map();
  const touched = new Set();
  let submitted = false;
  let sequence = 0;
  let timer;

  const config = () => {
    const values = { [CLASS]: plugin.value };
    for (const [name, { input }] of keys) if (input.value !== '') values[name] = input.value;
    return values;
  };

  async function validate() {
    clearTimeout(timer);
    if (!plugin.value) return null;
    const current = ++sequence;
    try {
      const answer = await api(`/connectors/plugins/${encodeURIComponent(plugin.value)}/validate`, { method: 'POST', body: config() });
      if (current !== sequence) return null;
      draw(answer);
      return answer;
    } catch (error) {
      if (current === sequence) status.textContent = error.message;
      return null;
    }
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(validate, DEBOUNCE_MS); };

  /** Adds the fields of keys not drawn yet (a transform's keys appear once it is named), then shows each key's state. */
  function draw(answer) {
    for (const key of answer.configs) {
      if (key.name === CLASS || keys.has(key.name)) continue;
      keys.set(key.name, { ...newField(key), group: key.group });
    }
    let shown = 0;
    for (const key of answer.configs) {
      const drawn = keys.get(key.name);
      if (!drawn) continue;
      drawn.holder.hidden = !key.visible;
      const message = key.errors.length > 0 && (submitted || touched.has(key.name)) ? key.errors.join(' ') : '';
      setError(drawn, message);
      if (message) { shown++; drawn.holder.closest('details').open = true; }
    }
    status.textContent = answer.errorCount === 0 ? 'The configuration is valid.' : `${answer.errorCount} key(s) need attention${shown < answer.errorCount && !submitted ? ' (required keys are checked on Create)' : ''}.`;
    submit.disabled = false;
  }

  function newField(key) {
    const attributes = { name: key.name, autocomplete: 'off', placeholder: key.default ?? '' };
    const input = key.type === 'BOOLEAN'
      ? h('select', { name: key.name }, h('option', { value: '' }, `default (${key.default ?? 'none'})`), h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'))
      : h('input', { ...attributes, type: key.type === 'PASSWORD' ? 'password' : 'text', inputmode: key.type === 'INT' || key.type === 'LONG' ? 'numeric' : null });
    if (key.value !== null && key.value !== undefined && key.value !== key.default) input.value = key.value;
    const onChange = () => { touched.add(key.name); later(); };
    input.addEventListener('input', onChange);
    input.addEventListener('change', onChange);
    const hint = [key.documentation, key.default !== null && key.default !== undefined && key.default !== '' ? `Default: ${key.default}.` : null].filter(Boolean).join(' ');
    const holder = field(`${key.displayName}${key.required ? ' (required)' : ''}`, input, key.name, hint || null);
    groupBody(key).append(holder);
    return { input, holder };
  }

  /** A group is a disclosure: open when it holds a required or important key, so the plugin's own keys come first to the eye. */
  function groupBody(key) {
    let details = groups.querySelector(`details[data-group="${CSS.escape(key.group)}"]`);
    if (!details) {
      details = h('details', { class: 'group', 'data-group': key.group }, h('summary', null, key.group), h('div', { class: 'grid2' }));
      groups.append(details);
    }
    if (key.required || key.importance === 'HIGH') details.open = true;
    return details.querySelector('.grid2');
  }

  function setError({ input, holder }, message) {
    const slot = holder.querySelector('[data-error-for]');
    slot.hidden = !message;
    slot.textContent = message;
    if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }

  plugin.addEventListener('change', async () => {
    keys = new Map();
    touched.clear();
    submitted = false;
    replace(groups);
    showErrors(form, null);
    submit.disabled = true;
    await validate();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitted = true;
    const values = config();
    try {
      await api('/connectors', { method: 'POST', body: { name: values.name ?? '', config: values } });
      await navigate(`/console/connectors/${encodeURIComponent(values.name)}`);
    } catch (error) {
      // Connect's create answers one message for all keys: validate again so each shows beside its field.
      showErrors(form, error);
      const answer = await validate();
      const first = answer && [...keys.values()].find(({ input }) => input.getAttribute('aria-invalid') === 'true');
      first?.input.focus();
    }
  });

  replace(main, form);
  if (query.get('class')) {
    plugin.value = query.get('class');
    plugin.dispatchEvent(new Event('change'));
  }
  plugin.focus();
}
