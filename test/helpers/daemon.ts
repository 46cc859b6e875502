import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './workspace.js';

export interface DaemonProcess {
  child: ChildProcess;
  /** Everything the daemon logged so far (JSON lines on stderr). */
  logs(): string;
  /** Resolves when a log line contains `text` (or rejects after timeoutMs). */
  waitForLog(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for exit; SIGKILL if it does not exit within timeoutMs. */
  stop(timeoutMs?: number): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

/** Starts `dossier start` (the built CLI) as a child process with the given config. */
export function startDaemonProcess(configPath: string, opts: { role?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}): DaemonProcess {
  const child = spawn(process.execPath, [join(REPO, 'bin/dossier.js'), 'start', '--config', configPath, '--role', opts.role ?? 'all', ...(opts.args ?? [])], {
    env: { ...process.env, DOSSIER_LOG_LEVEL: 'debug', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<{ test: (s: string) => boolean; resolve: (line: string) => void }> = [];
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const w of [...waiters]) {
      const line = output.split('\n').find(w.test);
      if (line) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  return {
    child,
    exited,
    logs: () => output,
    waitForLog(text, timeoutMs = 20_000) {
      const test = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
      const found = output.split('\n').find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`daemon did not log ${String(text)} within ${timeoutMs} ms; log:\n${output.slice(-4000)}`)), timeoutMs);
        waiters.push({
          test,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`daemon exited before logging ${String(text)}; log:\n${output.slice(-4000)}`));
        });
      });
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill(signal = 'SIGKILL') {
      child.kill(signal);
    },
  };
}
