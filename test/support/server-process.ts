/**
 * A broker server that a test owns: started on a free local port with a
 * temporary directory, killed with SIGKILL and restarted on the same port and
 * directory, removed at the end. The shared servers (.ci/run) are never
 * touched this way. Subclasses say which command runs the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether something listens on a local port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A local port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A server process of one test. */
export abstract class ServerProcess {
  #process: ChildProcess | undefined;
  readonly dir: string;

  protected constructor(
    readonly port: number,
    tag: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `rxbus-${tag}-`));
  }

  /** The executable and its arguments (on `this.port`, storing in `this.dir`). */
  protected abstract command(): [string, string[]];

  /** Starts (again) on the same port and directory; resolves once it accepts connections. */
  async restart(): Promise<void> {
    const [file, args] = this.command();
    this.#process = spawn(file, args, { stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await portOpen(this.port)); i++) await new Promise((r) => setTimeout(r, 25));
  }

  /** kill -9. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#process = undefined;
  }

  /** Kills it and removes its directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
