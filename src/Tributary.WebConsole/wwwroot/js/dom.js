// The console's only rendering helper: h(tag, attributes, ...children) builds a DOM element.
// Attributes: "class", "for", aria-*/data-* and other attributes as strings; on* functions as listeners;
// "value"/"checked"/"disabled"/"hidden" as properties. Children: nodes, strings (as text, never HTML), arrays, null/false (skipped).
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked' || name === 'disabled' || name === 'hidden') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the content of an element. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}
