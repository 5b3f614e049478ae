/**
 * Debian's redis-server (apt package `redis-server`), for the API replicas' shared nonce and
 * rate-limit store: started by `npm start` when REDIS_URL points at this machine, and by tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface RedisProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('redis-server not found: install it with `apt-get install -y redis-server` (or set REDIS_SERVER)');
  return found;
}

/** Starts redis on 127.0.0.1:`port` with its files in `dir`; resolves once it accepts connections. */
export function startRedis(opts: { port: number; dir: string; persist?: boolean }): Promise<RedisProcess> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const args = ['--port', String(opts.port), '--bind', '127.0.0.1', '--dir', opts.dir, '--daemonize', 'no'];
  // Nonces and counters live minutes; persistence only matters across an `npm start` restart.
  if (!opts.persist) args.push('--save', '', '--appendonly', 'no');
  const child = spawn(redisServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${log}`));
    }, 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve({
          url: `redis://127.0.0.1:${opts.port}`,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) during start-up:\n${log}`));
    });
  });
}
