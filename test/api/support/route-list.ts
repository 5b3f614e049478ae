/** The routes registered on an express 5 app, read from its router stack (routers must be mounted at '/'). */
import type express from 'express';

interface Layer {
  name: string;
  slash?: boolean;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

export function registeredRoutes(app: express.Express): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method, path: layer.route.path });
      } else if (layer.name === 'router' && layer.handle.stack) {
        if (!layer.slash) throw new Error('a router mounted below / hides its full paths; mount routers at / with absolute paths');
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}
