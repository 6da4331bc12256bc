/**
 * Editor features make no network call of their own. Every server of the protocol tests runs under
 * the network guard (`test/support/netGuard.ts`, loaded by `LspClient.start`), and `stop()` fails
 * the test that started it when the server tried to reach anything off this machine. These tests
 * show the guard catches what the issue found (dockerfile-language-service's tag completion sends
 * an HTTPS request; the guard stops it before it leaves), and that our server, with the general
 * features on, no longer makes it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isLoopback } from '../support/loopback';
import { LspClient, NET_GUARD } from './lspClient';

/** Runs `script` in a node process under the guard; its recorded attempts. */
async function guarded(script: string): Promise<string[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-net-guard-test-'));
    const log = path.join(dir, 'attempts.log');
    try {
        const child = spawn(process.execPath, ['--require', NET_GUARD, '-e', script], {
            env: { ...process.env, STAGECRAFT_NET_GUARD_LOG: log }, stdio: 'ignore', cwd: path.join(__dirname, '..', '..', '..'),
        });
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        assert.equal(code, 0);
        return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe('the network guard', () => {
    it('stops and records dockerfile-language-service\'s own tag completion (an HTTPS request), before it leaves', async () => {
        const attempts = await guarded(`
            const ls = require('dockerfile-language-service').DockerfileLanguageServiceFactory.createLanguageService();
            Promise.resolve(ls.computeCompletionItems('FROM node:', { line: 0, character: 10 })).then(() => undefined);`);
        assert.equal(attempts.length >= 1, true, 'the library tried to connect');
        assert.match(attempts[0], /connect [^ ]+:443$/);
    });

    it('stops a plain TCP connection and a DNS lookup off the machine, and lets loopback through', async () => {
        const attempts = await guarded(`
            const net = require('net'), dns = require('dns');
            const server = net.createServer((s) => s.end()).listen(0, '127.0.0.1', () => {
                net.connect(server.address().port, '127.0.0.1').on('close', () => server.close());
                net.connect(80, '192.0.2.1').on('error', () => undefined);
                dns.lookup('stagecraft-guard-test.invalid', () => undefined);
            });`);
        assert.deepEqual(attempts.map((a) => a.replace(/^.*?: /, '')), ['connect 192.0.2.1:80', 'dns lookup stagecraft-guard-test.invalid']);
    });

    it('knows the loopback addresses', () => {
        for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', undefined]) assert.equal(isLoopback(h), true, String(h));
        for (const h of ['10.0.0.1', '192.0.2.1', 'example.invalid', '::2', '128.0.0.1']) assert.equal(isLoopback(h), false, h);
    });
});

describe('the server with the general features on', () => {
    let c: LspClient;
    const URI = 'file:///ws/net/Dockerfile';
    before(async () => {
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: false } });
        await c.open(URI, 'FROM node:\nFROM golang:1.22 AS build\nRUN go build\n');
    });
    after(async () => c.stop());

    it('completes an image tag, hovers, validates and formats without any network call', async () => {
        const items = await c.request<unknown[]>('textDocument/completion', { textDocument: { uri: URI }, position: { line: 0, character: 10 } });
        assert.deepEqual(items, []);
        const keywords = await c.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri: URI }, position: { line: 2, character: 0 } });
        assert.ok(keywords.some((i) => i.label === 'COPY'), 'the general keyword completion still works');
        await c.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 1, character: 2 } });
        await c.request('textDocument/formatting', { textDocument: { uri: URI }, options: { tabSize: 4, insertSpaces: true } });
        await c.request('textDocument/documentLink', { textDocument: { uri: URI } });
        await c.diagnostics(URI);
        // The request the library would have sent is not awaited: give it the time it would take to start.
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(c.networkAttempts(), []);
    });
});
