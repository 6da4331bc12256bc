import * as net from 'node:net';

/** True for an address on this machine: 127.0.0.0/8, ::1, localhost (and node's default, no host). */
export function isLoopback(host: string | undefined | null): boolean {
    if (host === undefined || host === null || host === '') return true;
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    if (/^::ffff:127\./.test(h)) return true;
    return net.isIPv4(h) && h.startsWith('127.');
}
