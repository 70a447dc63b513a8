/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
};

/** A mistake by the person running the command: printed plainly, exit code 1. */
export class UserError extends Error {
  readonly exitCode = 1;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
