import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { run } from '../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  close?: () => Promise<void>;
  url?: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function nines(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  };
  const result = await run(argv, io);
  return {
    code: result.code,
    stdout,
    stderr,
    ...(result.server && { close: result.server.close, url: result.server.url }),
  };
}

/** A temporary directory with the given files, removed by the returned cleanup. */
export async function tempCatalog(
  files: Record<string, string>,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nines-test-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
