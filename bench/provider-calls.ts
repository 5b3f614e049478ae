/**
 * The floor baseline's work: the provider HTTP calls one story-B complaint made, recorded from
 * the probe case and replayed, in the same order with the same bodies, for another seeded order.
 * Recording (not a hand-written list) keeps the floor doing exactly what the complaint does today,
 * whatever the workflow's shape becomes.
 *
 * The recorder observes the global fetch of this process (the bench worker's activities call the
 * simulators through activities/clients/http.ts); every call still goes to the simulator.
 */

export interface ProviderCall {
  method: string;
  /** Path and query below the simulator root, e.g. /payment/orders/ORD1/hold. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What the simulator answered to the probe; the replay must get the same. */
  status: number;
}

export interface CallRecorder {
  stop(): ProviderCall[];
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => (out[key] = value));
  return out;
}

/** Records every fetch to `simUrl` from now until stop(), in the order the requests were sent. */
export function recordProviderCalls(simUrl: string): CallRecorder {
  const original = globalThis.fetch;
  const calls: ProviderCall[] = [];
  const root = simUrl.replace(/\/+$/, '');
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    if (!url.startsWith(root + '/')) return original(input, init);
    const call: ProviderCall = {
      method: (init?.method ?? 'GET').toUpperCase(),
      path: url.slice(root.length),
      headers: headersOf(init),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      status: 0,
    };
    calls.push(call);
    const res = await original(input, init);
    call.status = res.status;
    return res;
  };
  return {
    stop() {
      globalThis.fetch = original;
      return calls;
    },
  };
}

/** The probe's calls for `toOrder`: every occurrence of the probe's order id replaced. */
export function retarget(calls: ProviderCall[], fromOrder: string, toOrder: string): ProviderCall[] {
  const swap = (s: string) => s.split(fromOrder).join(toOrder);
  return calls.map((c) => ({
    ...c,
    path: swap(c.path),
    headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, swap(v)])),
    ...(c.body !== undefined ? { body: swap(c.body) } : {}),
  }));
}

/** The call that sends the apology SMS (its outId ends in :apology:sms), or -1. */
export function apologyCallIndex(calls: ProviderCall[]): number {
  return calls.findIndex((c) => c.method === 'POST' && /:apology[^"]*:sms"/.test(c.body ?? ''));
}

/** One line per call, e.g. "POST /payment/orders/:order/hold 200", for the results. */
export function describeCalls(calls: ProviderCall[], orderId: string): string[] {
  return calls.map((c) => `${c.method} ${c.path.split(orderId).join(':order')} ${c.status}`);
}

/**
 * Sends `calls` in sequence to `simUrl`; throws when a call is answered with another status than
 * the probe got (the floor would then be doing different work). `onApology` runs when the apology
 * call has been answered.
 */
export async function replayCalls(simUrl: string, calls: ProviderCall[], onApology?: () => void): Promise<void> {
  const root = simUrl.replace(/\/+$/, '');
  const apology = apologyCallIndex(calls);
  for (const [i, c] of calls.entries()) {
    const res = await fetch(root + c.path, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    // The activities parse every answer; so does the floor.
    if (text && res.headers.get('content-type')?.includes('json')) JSON.parse(text);
    if (res.status !== c.status) throw new Error(`floor call ${c.method} ${c.path}: ${res.status}, the probe got ${c.status}: ${text.slice(0, 200)}`);
    if (i === apology) onApology?.();
  }
}
