import { spawn } from 'node:child_process';
import path from 'node:path';
import { SimulatorAdmin } from '../../simulators/admin-client';
import { tempDataDir } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');

describe('simulators/server.ts as a child process', () => {
  it('prints its URL on one line, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_DATA_DIR: tempDataDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /simulators listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(new SimulatorAdmin(url).health()).resolves.toEqual({ ok: true });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    }
  }, 20_000);
});
