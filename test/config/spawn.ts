/** Runs one of the project's processes the way an operator does (tsx), with exactly the environment given. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Waits for the process to exit, or kills it after `timeoutMs` (then code is null). */
export function runProcess(script: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [path.join(ROOT, script)], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
