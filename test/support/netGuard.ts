/**
 * A network guard for a process under test, loaded with `node --require <this file>`: every
 * attempt to reach an address that is not on this machine (a TCP or TLS connection, a UDP send, a
 * DNS lookup of a name other than localhost) is written as one line to the file named by
 * `STAGECRAFT_NET_GUARD_LOG`, and never leaves: the socket fails with an error instead, as if the
 * network were down. Loopback (127.0.0.0/8, ::1, localhost) and local sockets (pipes, Unix
 * sockets: the LSP's IPC transport) pass.
 *
 * Everything in node that opens a connection (net, tls, http, https, fetch) goes through
 * `net.Socket.prototype.connect`, which is where it is caught, before any name is looked up.
 */
import dgram = require('node:dgram');
import dns = require('node:dns');
import fs = require('node:fs');
import net = require('node:net');
import { isLoopback } from './loopback';

const LOG = process.env.STAGECRAFT_NET_GUARD_LOG;

function record(what: string): void {
    const line = `${new Date().toISOString()} pid ${process.pid}: ${what}\n`;
    if (LOG) fs.appendFileSync(LOG, line);
    else process.stderr.write(`[net guard] ${line}`);
}

/** `connect(options)`, `connect(port, host)`, `connect(path)`: the remote host, or null for a local socket. */
function remoteOf(args: unknown[]): { host: string | undefined; port: unknown } | null {
    let first = args[0];
    if (Array.isArray(first)) first = first[0]; // node's internal normalized [options, cb] form
    if (typeof first === 'object' && first !== null) {
        const o = first as { path?: unknown; host?: string; port?: unknown };
        if (o.path) return null; // a pipe or Unix socket (node connects to a path when it is set)
        return { host: o.host, port: o.port };
    }
    if (typeof first === 'string' && !/^\d+$/.test(first)) return null; // a pipe or Unix socket path
    return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const remote = remoteOf(args);
    if (remote !== null && !isLoopback(remote.host)) {
        record(`connect ${remote.host}:${String(remote.port)}`);
        process.nextTick(() => this.destroy(new Error(`net guard: no connection to ${remote.host} from this process`)));
        return this;
    }
    return connect.apply(this, args);
} as typeof net.Socket.prototype.connect;

const lookup = dns.lookup as (...args: unknown[]) => void;
(dns as unknown as { lookup: unknown }).lookup = function guardedLookup(host: string, ...rest: unknown[]): void {
    if (!isLoopback(host) && !net.isIP(host)) record(`dns lookup ${host}`);
    lookup.call(dns, isLoopback(host) || net.isIP(host) ? host : 'localhost', ...rest);
};

const send = dgram.Socket.prototype.send as (...args: unknown[]) => void;
dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]): void {
    const host = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
    if (host !== undefined && !isLoopback(host)) {
        record(`udp send ${host}`);
        return;
    }
    send.apply(this, args);
} as typeof dgram.Socket.prototype.send;
