/** Tiny DOM helpers. Text always goes in as text (never innerHTML), so case data cannot inject markup. */

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A definition list from [label, value] pairs; pairs with an undefined value are left out. */
export function pairs(list, attrs = {}) {
  const dl = h('dl', { class: 'pairs', ...attrs });
  for (const [term, value] of list) {
    if (value === undefined) continue;
    dl.append(h('dt', null, term), h('dd', null, value ?? '—'));
  }
  return dl;
}

/** A table with a caption-less header row; rows are arrays of cells (strings or nodes). */
export function table(headers, rows, attrs = {}) {
  return h(
    'table',
    { class: 'grid', ...attrs },
    h('thead', null, h('tr', null, headers.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', null, rows.map((cells) => (cells instanceof Node ? cells : h('tr', null, cells.map((c) => h('td', null, c)))))),
  );
}

/** A short text badge: the label carries the meaning, the colour only repeats it. */
export function badge(text, kind = 'neutral', attrs = {}) {
  return h('span', { class: `badge badge-${kind}`, ...attrs }, text);
}

export function section(id, title, ...content) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), content);
}
