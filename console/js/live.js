/**
 * Server-sent events instead of polling: the server says when a case (or my view counts)
 * changed, and the page reads it once. EventSource reconnects by itself after a network break;
 * when the server refuses the stream (signed out, the API restarting) it is opened again after a
 * pause, and a missing session sends the page to sign-in.
 */
import { loadSession, toSignIn } from './session.js';

/**
 * handlers: { [eventName]: (data) => void, onState?: ('open' | 'reconnecting') => void }.
 * Returns a stop function.
 */
export function follow(url, handlers) {
  let source = null;
  let stopped = false;
  let retry = null;

  function open() {
    source = new EventSource(url);
    for (const [name, fn] of Object.entries(handlers)) {
      if (name === 'onState') continue;
      source.addEventListener(name, (event) => {
        let data = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        fn(data);
      });
    }
    source.addEventListener('open', () => handlers.onState?.('open'));
    source.addEventListener('error', async () => {
      handlers.onState?.('reconnecting');
      if (stopped || source.readyState !== EventSource.CLOSED) return;
      // Closed for good by the browser: the server refused the stream. Signed out, or a moment's outage?
      const session = await loadSession().catch(() => 'unknown');
      if (session === null) return toSignIn('expired');
      clearTimeout(retry);
      retry = setTimeout(() => !stopped && open(), 3_000);
    });
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}
