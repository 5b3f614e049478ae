/** A confirmation before an action that cannot be undone: a modal <dialog>, Escape or Cancel says no. */
import { h } from './dom.js';
import { t } from './i18n.js';

let dialog = null;

function build() {
  const el = h(
    'dialog',
    { class: 'confirm', 'data-testid': 'confirm-dialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-body' },
    h('h2', { id: 'confirm-title' }),
    h('p', { id: 'confirm-body' }),
    h(
      'form',
      { method: 'dialog', class: 'buttons' },
      h('button', { value: 'no', 'data-testid': 'confirm-no' }),
      h('button', { value: 'yes', class: 'primary', 'data-testid': 'confirm-yes' }),
    ),
  );
  document.body.append(el);
  return el;
}

/** Resolves true only when the user presses the confirm button. */
export function confirmAction({ title, body, confirm }) {
  dialog ??= build();
  dialog.querySelector('#confirm-title').textContent = title;
  dialog.querySelector('#confirm-body').textContent = body;
  dialog.querySelector('[data-testid="confirm-no"]').textContent = t('confirm.cancel');
  dialog.querySelector('[data-testid="confirm-yes"]').textContent = confirm;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.showModal();
    dialog.querySelector('[data-testid="confirm-no"]').focus();
  });
}
