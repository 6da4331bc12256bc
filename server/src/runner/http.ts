/**
 * A small `fetch` for the registry requests of a run (HEAD checks, labels, tokens), on Node's
 * http/https modules. Why not `fetch`: its first call in a process loads and starts undici,
 * 65 ms of the one thread (measured; a request through `http` takes 9 ms), and those requests sit
 * on the path of a job that may have nothing to do. Same contract where the runner uses it:
 * `status`, `statusText`, `ok`, `headers.get()`, `json()`; redirects followed (5 at most); a
 * timeout rejects with an error named `TimeoutError`; a network error keeps its code in `cause`.
 */
import * as http from 'http';
import * as https from 'https';

export interface HttpResponse {
    status: number;
    statusText: string;
    ok: boolean;
    headers: { get(name: string): string | null };
    json(): Promise<unknown>;
}

export function httpFetch(url: string | URL, init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string>; timeoutMs: number }, redirects = 5): Promise<HttpResponse> {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
        const req = lib.request(u, { method: init.method ?? 'GET', headers: init.headers ?? {}, timeout: init.timeoutMs }, (res) => {
            const status = res.statusCode ?? 0;
            const location = res.headers.location;
            if (status >= 300 && status < 400 && location && redirects > 0) {
                res.resume();
                httpFetch(new URL(location, u), init, redirects - 1).then(resolve, reject);
                return;
            }
            const chunks: Buffer[] = [];
            const body = new Promise<string>((done, fail) => {
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
                res.on('error', fail);
            });
            resolve({
                status, statusText: res.statusMessage ?? '', ok: status >= 200 && status < 300,
                headers: { get: (name) => { const v = res.headers[name.toLowerCase()]; return Array.isArray(v) ? v.join(', ') : v ?? null; } },
                json: async () => JSON.parse(await body) as unknown,
            });
            if (init.method === 'HEAD') { res.resume(); }
        });
        req.on('timeout', () => {
            const e = new Error(`no answer from ${u.host} in ${init.timeoutMs} ms`);
            e.name = 'TimeoutError';
            req.destroy(e);
        });
        req.on('error', (e: NodeJS.ErrnoException) => {
            if (e.name === 'TimeoutError') { reject(e); return; }
            reject(Object.assign(new Error(e.message), { cause: { code: e.code ?? '' } }));
        });
        req.end();
    });
}
