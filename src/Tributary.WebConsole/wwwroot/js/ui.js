// Building blocks the pages share: data tables, the pager, form fields with their server message, confirmations.
import { h, replace } from './dom.js';

let ids = 0;
export const uniqueId = (prefix) => `${prefix}-${++ids}`;

/**
 * A table. columns: [{ title, cell: (row) => node|string, numeric }]. The caption names the table for screen readers.
 */
export function table(caption, columns, rows, empty = 'Nothing here yet.') {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  const body = h('tbody');
  const fragment = document.createDocumentFragment();
  for (const row of rows) {
    fragment.append(h('tr', null, columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(row)))));
  }
  body.append(fragment);
  return h('table', null,
    h('caption', null, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.title)))),
    body);
}

/** Previous/next over a server page ({ total, offset, limit }); onChange(newOffset). */
export function pager(page, onChange) {
  const last = Math.min(page.offset + page.limit, page.total);
  return h('div', { class: 'pager', role: 'navigation', 'aria-label': 'Pages' },
    h('button', { class: 'secondary', disabled: page.offset === 0, onclick: () => onChange(Math.max(0, page.offset - page.limit)) }, 'Previous'),
    h('span', { 'aria-live': 'polite' }, page.total === 0 ? '0 items' : `${page.offset + 1}–${last} of ${page.total.toLocaleString('en-US')}`),
    h('button', { class: 'secondary', disabled: last >= page.total, onclick: () => onChange(page.offset + page.limit) }, 'Next'));
}

/**
 * A labelled form field. name: the request member path the server names in its validation messages
 * (e.g. "extendedS3DestinationConfiguration.bucketARN"); showErrors() puts each message beside its field.
 */
export function field(label, input, name, hint) {
  const id = input.id || uniqueId('field');
  input.id = id;
  input.dataset.field = name;
  const error = h('div', { class: 'error', id: `${id}-error`, 'data-error-for': name, hidden: true });
  const hintNode = hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hintNode, error);
}

/** Clears the form's messages, then shows the server's: fields beside their input, the rest at the top. */
export function showErrors(form, error) {
  for (const node of form.querySelectorAll('[data-error-for]')) { node.hidden = true; node.textContent = ''; }
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  const top = form.querySelector('.form-error');
  if (!error) { if (top) { top.hidden = true; top.textContent = ''; } return; }
  let placed = 0, first = null;
  for (const { field: name, message } of error.fields ?? []) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!slot || !input) continue;
    slot.hidden = false;
    slot.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    first ??= input;
    placed++;
  }
  if (top) {
    top.hidden = false;
    top.textContent = placed > 0 ? `${error.code ?? 'Error'}: ${error.message}` : `${error.code ?? 'Error'}: ${error.message}`;
  }
  (first ?? top)?.focus?.();
}

/** A message box for a failed load. */
export const failure = (error) => h('div', { class: 'alert error', role: 'alert' }, error.message);

/**
 * A button that asks before acting: the first press shows "Confirm"/"Cancel" in place (keyboard focus moves to
 * Confirm); only Confirm runs action().
 */
export function confirmButton(label, question, action, className = 'danger') {
  const holder = h('span');
  const start = h('button', { class: className, type: 'button', onclick: () => ask() }, label);
  function ask() {
    const yes = h('button', { class: 'danger', type: 'button', onclick: async () => { yes.disabled = true; await action(); } }, 'Confirm');
    replace(holder, h('span', { class: 'confirm', role: 'group', 'aria-label': question }, h('span', null, question), yes,
      h('button', { class: 'secondary', type: 'button', onclick: () => { replace(holder, start); start.focus(); } }, 'Cancel')));
    yes.focus();
  }
  holder.append(start);
  return holder;
}

export const state = (text) => h('span', { class: `state ${text}` }, text);

export const link = (href, text) => h('a', { href, 'data-link': true }, text);

/**
 * A search box that calls onSearch(text) after typing pauses. A search re-renders its page, so the new box takes the
 * focus (caret at the end) when the old one had it: typing goes on where it was.
 */
export function searchBox(label, value, onSearch) {
  let timer;
  const hadFocus = document.activeElement?.getAttribute?.('type') === 'search';
  const input = h('input', { type: 'search', value: value ?? '', oninput: () => { clearTimeout(timer); timer = setTimeout(() => onSearch(input.value), 250); } });
  if (hadFocus) queueMicrotask(() => { input.focus(); input.setSelectionRange(input.value.length, input.value.length); });
  return field(label, input, 'search');
}
