/** Sign in with a pasted API key or a development role: the key is traded for the session cookie once. */
import { h, fill, $ } from './dom.js';
import { applyI18n, getLang, label, onLangChange, setLang, t } from './i18n.js';
import { DEV_KEYS, signIn } from './session.js';

let picked = null;

function renderRoles() {
  fill(
    $('#roles'),
    Object.entries(DEV_KEYS).map(([role, key]) =>
      h(
        'button',
        { type: 'button', class: 'role', 'data-role': role, 'data-testid': `dev-role-${role}`, 'aria-pressed': String(picked === role), onclick: () => pick(role) },
        h('strong', null, label('role', role)),
        h('code', null, key),
      ),
    ),
  );
  $('#lang').textContent = getLang() === 'zh' ? 'English' : '中文';
}

function pick(role) {
  picked = role;
  $('#key').value = DEV_KEYS[role];
  $('#signin-error').textContent = '';
  renderRoles();
}

/** Only a page of this console: never an open redirect. */
function nextPage() {
  const next = new URLSearchParams(location.search).get('next') ?? '';
  return /^(index|case|new)\.html(\?[\w%=&.-]*)?$/.test(next) ? next : 'index.html';
}

async function submit(event) {
  event.preventDefault();
  const key = $('#key').value.trim();
  const error = $('#signin-error');
  if (!key) {
    error.textContent = t('signin.empty');
    return;
  }
  const role = picked && DEV_KEYS[picked] === key ? picked : null;
  const answer = await signIn(key, role).catch(() => ({ ok: false, status: 0, error: t('signin.noAnswer') }));
  if (!answer.ok) {
    error.textContent = answer.status === 401 ? t('signin.unknownKey') : `${t('signin.failed')}: ${answer.error}`;
    return;
  }
  await openCodecSession(key);
  location.assign(nextPage());
}

/**
 * Ops and supervisors also get the codec cookie, so the Temporal Web UI (with "include
 * cross-origin credentials") shows them decoded payloads. Others are refused: nothing to do.
 */
async function openCodecSession(key) {
  try {
    await fetch('/codec/session', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin' });
  } catch {
    // The console works without it; only the Web UI's decoding needs the cookie.
  }
}

function init() {
  applyI18n(document);
  const reason = new URLSearchParams(location.search).get('reason');
  const notices = { expired: 'signin.expired', elsewhere: 'signin.elsewhere' };
  if (notices[reason]) {
    const notice = $('#notice');
    notice.hidden = false;
    notice.dataset.i18n = notices[reason];
    notice.textContent = t(notices[reason]);
  }
  renderRoles();
  onLangChange(renderRoles);
  $('#lang').addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));
  $('#key').addEventListener('input', () => {
    picked = Object.keys(DEV_KEYS).find((role) => DEV_KEYS[role] === $('#key').value.trim()) ?? null;
    renderRoles();
  });
  $('#signin-form').addEventListener('submit', submit);
}

init();
