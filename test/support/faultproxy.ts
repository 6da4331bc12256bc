/**
 * A registry that misbehaves, for the fault tests: an HTTP proxy on a free 127.0.0.1 port in front
 * of a real registry, whose `mode` can be changed while it runs:
 * - `pass`: every request goes through;
 * - `drop-upload`: blob uploads (`PATCH`/`PUT` with a body under `/blobs/uploads/`) lose their
 *   connection after `afterBytes` bytes of the body;
 * - `drop-download`: blob downloads (`GET .../blobs/sha256:...`) lose their connection after
 *   `afterBytes` bytes of the response;
 * - `status`: every request is answered with `status` (500, 429, ...) and a registry error body;
 * - `hang`: requests are accepted and never answered.
 * `hits` counts the requests each mode touched, so a test can check the fault really happened.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'pass' | 'drop-upload' | 'drop-download' | 'status' | 'hang';

export interface FaultProxy {
    /** `127.0.0.1:<port>`: the address docker and Stagecraft use. */
    host: string;
    mode: FaultMode;
    status: number;
    afterBytes: number;
    /** Requests the current fault changed. */
    hits: number;
    close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
    const [uhost, uport] = upstream.split(':');
    const open = new Set<import('node:net').Socket>();
    const proxy: FaultProxy = {
        host: '', mode: 'pass', status: 500, afterBytes: 64 * 1024, hits: 0,
        close: async () => {
            for (const s of open) { s.destroy(); }
            await new Promise<void>((r) => server.close(() => r()));
        },
    };
    const server = http.createServer((req, res) => {
        const url = req.url ?? '/';
        if (proxy.mode === 'hang') { proxy.hits++; return; }
        if (proxy.mode === 'status') {
            proxy.hits++;
            res.writeHead(proxy.status, { 'Content-Type': 'application/json', ...(proxy.status === 429 ? { 'Retry-After': '1' } : {}) });
            res.end(JSON.stringify({ errors: [{ code: proxy.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: `injected ${proxy.status}` }] }));
            return;
        }
        const upload = proxy.mode === 'drop-upload' && /\/blobs\/uploads\//.test(url) && (req.method === 'PATCH' || req.method === 'PUT');
        const download = proxy.mode === 'drop-download' && req.method === 'GET' && /\/blobs\/sha256:/.test(url);
        const up = http.request({ host: uhost, port: Number(uport), method: req.method, path: url, headers: req.headers }, (ures) => {
            res.writeHead(ures.statusCode ?? 502, ures.headers);
            if (!download) { ures.pipe(res); return; }
            let sent = 0;
            ures.on('data', (chunk: Buffer) => {
                if (sent + chunk.length > proxy.afterBytes) {
                    if (sent === 0 || sent < proxy.afterBytes) { proxy.hits++; }
                    res.write(chunk.subarray(0, Math.max(0, proxy.afterBytes - sent)));
                    req.socket.destroy();
                    ures.destroy();
                    return;
                }
                sent += chunk.length;
                res.write(chunk);
            });
            ures.on('end', () => res.end());
        });
        up.on('error', () => { req.socket.destroy(); });
        if (!upload) { req.pipe(up); return; }
        let got = 0;
        req.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (got > proxy.afterBytes) {
                proxy.hits++;
                req.socket.destroy();
                up.destroy();
                return;
            }
            up.write(chunk);
        });
        req.on('end', () => up.end());
    });
    server.on('connection', (s) => { open.add(s); s.on('close', () => open.delete(s)); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return proxy;
}
