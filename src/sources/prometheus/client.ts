import { request } from 'undici';

/** One series of a range query: its labels and [unix seconds, value text] samples. */
export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, string])[];
}

export interface PrometheusConnection {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Why a query failed, in words for the SLO's data-source status. */
export class PrometheusError extends Error {}

/**
 * The few calls nines makes to the Prometheus HTTP API (Prometheus, Thanos,
 * Mimir and VictoriaMetrics answer them alike): range queries and label values.
 *
 * @example
 * const prom = new PrometheusClient({ url: 'http://127.0.0.1:9090', timeoutMs: 10_000 });
 * await prom.queryRange('sum(rate(http_requests_total[2m]))', startS, endS, 60);
 */
export class PrometheusClient {
  /** Queries sent so far (for the bench and metrics). */
  queries = 0;

  constructor(private readonly connection: PrometheusConnection) {}

  async queryRange(query: string, startS: number, endS: number, stepS: number): Promise<RangeSeries[]> {
    const data = await this.get('/api/v1/query_range', {
      query,
      start: String(startS),
      end: String(endS),
      step: String(stepS),
    });
    const result = (data as { resultType?: string; result?: unknown }).result;
    if ((data as { resultType?: string }).resultType !== 'matrix' || !Array.isArray(result)) {
      throw new PrometheusError(`the answer to '${query}' is not a range vector`);
    }
    return result as RangeSeries[];
  }

  /** Values of a label on the series matching `match`, e.g. the `le` buckets of a histogram. */
  async labelValues(label: string, match: string): Promise<string[]> {
    const data = await this.get(
      `/api/v1/label/${encodeURIComponent(label)}/values`,
      { 'match[]': match },
      'GET',
    );
    if (!Array.isArray(data)) throw new PrometheusError(`the values of label ${label} are not a list`);
    return data as string[];
  }

  /** POST where the API takes it (long queries fit), GET where it only takes that. */
  private async get(
    path: string,
    params: Record<string, string>,
    method: 'GET' | 'POST' = 'POST',
  ): Promise<unknown> {
    this.queries++;
    const url = new URL(
      path,
      this.connection.url.endsWith('/') ? this.connection.url : `${this.connection.url}/`,
    );
    // A path under the base URL (Mimir's /prometheus prefix, say) is kept.
    url.pathname = `${new URL(this.connection.url).pathname.replace(/\/$/, '')}${path}`;
    const body = new URLSearchParams(params).toString();
    if (method === 'GET') url.search = body;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method,
        headers: {
          ...(method === 'POST' && { 'content-type': 'application/x-www-form-urlencoded' }),
          ...this.connection.headers,
        },
        ...(method === 'POST' && { body }),
        signal: AbortSignal.timeout(this.connection.timeoutMs),
      });
    } catch (e) {
      const err = e as { name?: string; code?: string; message?: string };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw new PrometheusError(
          `no answer from ${this.connection.url} within ${this.connection.timeoutMs} ms`,
        );
      }
      throw new PrometheusError(
        `cannot reach ${this.connection.url}: ${err.code ?? err.message ?? String(e)}`,
      );
    }
    const text = await res.body.text();
    let json: { status?: string; data?: unknown; error?: string; errorType?: string };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new PrometheusError(
        `${this.connection.url} answered ${res.statusCode} with a body that is not JSON`,
      );
    }
    if (res.statusCode !== 200 || json.status !== 'success') {
      throw new PrometheusError(
        `${this.connection.url} answered ${res.statusCode}: ${json.errorType ?? 'error'}: ${json.error ?? 'no details'}`,
      );
    }
    return json.data;
  }
}
