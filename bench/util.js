/** Small helpers every benchmark uses. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** A port nothing listens on, on loopback. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(a.port));
    });
  });
}

/** Starts `node ARGS…` and resolves once it prints `readyText` (stdout or stderr). */
export function startNode(args, readyText) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      if (out.includes(readyText)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** Stops a child started by `startNode` and waits for it to exit. */
export function stopNode(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Writes OpenMetrics history as TSDB blocks under `dir/data` with Debian's promtool. */
export function loadHistory(text, dir) {
  writeFileSync(join(dir, 'history.om'), text);
  const r = spawnSync('/usr/bin/promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(dir, 'history.om'),
    join(dir, 'data'),
  ]);
  if (r.status !== 0) throw new Error(`promtool: ${r.stderr}`);
  rmSync(join(dir, 'history.om'));
}

/**
 * Runs Debian's prometheus on loopback over `dir` (its prometheus.yml and data/,
 * written by the caller); resolves once it is ready. `stop` kills it and removes `dir`.
 */
export async function spawnPrometheus(dir) {
  if (!existsSync('/usr/bin/prometheus'))
    throw new Error('install Debian prometheus (apt-get install prometheus)');
  const port = await freePort();
  const child = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const NINES_BIN = new URL('../bin/nines.js', import.meta.url).pathname;

/** Runs `nines ARGS…` (of `bin`) to completion and returns what it printed on stdout, trimmed (a token, a key). */
export function ninesOutput(args, bin = NINES_BIN) {
  return execFileSync(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
}

/**
 * Starts `nines serve` on `dataDir` and a free port, logging errors only; resolves with the child and its port.
 * `node`: more Node flags (a preload); `bin`: another build's bin/nines.js (a before/after comparison).
 */
export async function startNines(dataDir, flags = [], { node = [], bin = NINES_BIN } = {}) {
  const port = await freePort();
  const child = await startNode(
    [
      '--max-semi-space-size=64',
      ...node,
      bin,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--log-level',
      'error',
      ...flags,
    ],
    'nines is serving',
  );
  return { child, port };
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where there is none. */
export function processCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds the whole machine has been busy so far (all cores), from /proc/stat; NaN where there is none. */
export function machineBusySeconds() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: all but idle and iowait
    return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * A cheap HTTP/1.1 load generator for one request sent over and over, so that it
 * leaves the CPU to the server it measures: the request is serialised once and
 * written to `connections` keep-alive sockets, each keeping `pipelining`
 * requests in flight (concurrency = connections × pipelining), for `durationMs`.
 * Responses are framed by content-length or chunked encoding, nothing more.
 * Resolves with counts per status, latency percentiles (ms, from write to the
 * last byte of the response) and the generator's own CPU in cores.
 */
export async function pipelinedLoad({
  url,
  method = 'GET',
  headers = {},
  body,
  connections,
  pipelining = 1,
  durationMs,
}) {
  const target = new URL(url);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const head = [`${method} ${target.pathname}${target.search} HTTP/1.1`, `host: ${target.host}`];
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  if (body !== undefined) head.push(`content-length: ${payload.length}`);
  const request = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), payload]);
  const latencies = [];
  const statuses = {};
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;

  const connection = () =>
    new Promise((resolve) => {
      const sentAt = [];
      let buf = Buffer.alloc(0);
      // The response being read: its status, then how its body is framed.
      let status = 0;
      let length = -1; // body bytes (content-length), or -1 while reading headers
      let chunked = false;
      const socket = connect(Number(target.port), target.hostname);
      socket.setNoDelay(true);
      const send = (n) => {
        if (n <= 0) return;
        const now = performance.now();
        for (let i = 0; i < n; i++) sentAt.push(now);
        socket.write(n === 1 ? request : Buffer.concat(new Array(n).fill(request)));
      };
      let timer;
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      const fail = () => {
        if (sentAt.length > 0) statuses.error = (statuses.error ?? 0) + sentAt.length;
        sentAt.length = 0;
        socket.destroy();
        finish();
      };
      socket.on('connect', () => send(pipelining));
      socket.on('error', fail);
      socket.on('close', fail);
      // Answers still missing well after the end count as errors rather than hang the run.
      timer = setTimeout(fail, durationMs + 30_000);
      // Reads one response off `buf`; false when it has not all arrived yet.
      const response = () => {
        if (length < 0 && !chunked) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return false;
          const text = buf.toString('latin1', 0, end).toLowerCase();
          status = Number(text.slice(9, 12));
          const m = /\r\ncontent-length: *(\d+)/.exec(text);
          chunked = m === null && text.includes('\r\ntransfer-encoding: chunked');
          length = m ? Number(m[1]) : 0;
          buf = buf.subarray(end + 4);
        }
        if (chunked) {
          for (;;) {
            const eol = buf.indexOf('\r\n');
            if (eol < 0) return false;
            const size = Number.parseInt(buf.toString('latin1', 0, eol), 16);
            if (buf.length < eol + 2 + size + 2) return false;
            buf = buf.subarray(eol + 2 + size + 2);
            if (size === 0) break;
          }
          chunked = false;
        } else {
          if (buf.length < length) return false;
          buf = buf.subarray(length);
        }
        length = -1;
        latencies.push(performance.now() - sentAt.shift());
        statuses[status] = (statuses[status] ?? 0) + 1;
        return true;
      };
      socket.on('data', (data) => {
        buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
        let answered = 0;
        while (response()) answered++;
        if (performance.now() < deadline) send(answered);
        else if (sentAt.length === 0) {
          socket.removeAllListeners('close');
          socket.end();
          finish();
        }
      });
    });

  await Promise.all(Array.from({ length: connections }, connection));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const ok = latencies.length;
  return {
    requests: ok,
    seconds,
    statuses,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

/** Runs `pipelinedLoad` in a child process (so its CPU is not the caller's) and returns its result. */
export function pipelinedLoadProcess(options) {
  const out = execFileSync(process.execPath, [
    fileURLToPath(import.meta.url),
    'load',
    JSON.stringify(options),
  ]);
  return JSON.parse(out.toString());
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'load') {
  const options = JSON.parse(process.argv[3]);
  if (options.bodyFile !== undefined) options.body = readFileSync(options.bodyFile);
  console.log(JSON.stringify(await pipelinedLoad(options)));
}
