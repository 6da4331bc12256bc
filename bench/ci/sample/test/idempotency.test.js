'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { createApp } = require('../dist/src/app');
const { IdempotencyStore } = require('../dist/src/lib/idempotency');

function request(port, method, path, body, headers = {}) {
    return new Promise((resolve, reject) => {
        const data = body ? JSON.stringify(body) : undefined;
        const req = http.request({ port, method, path, headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
            let text = '';
            res.on('data', (c) => { text += c; });
            res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(data);
    });
}

test('a retried POST with the same Idempotency-Key creates one order (LevelDB, the native module built in the deps stage)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-idem-'));
    const idempotency = new IdempotencyStore(path.join(dir, 'db'));
    const server = createApp(undefined, { idempotency }).listen(0);
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address();
    const order = { customer: 'cy', lines: [{ sku: 'LAMP-7', quantity: 3, unitPrice: 1999 }] };
    try {
        const first = await request(port, 'POST', '/orders', order, { 'idempotency-key': 'k-1' });
        assert.strictEqual(first.status, 201);
        const retry = await request(port, 'POST', '/orders', order, { 'idempotency-key': 'k-1' });
        assert.deepStrictEqual(retry, first);
        const other = await request(port, 'POST', '/orders', order, { 'idempotency-key': 'k-2' });
        assert.notStrictEqual(other.body.id, first.body.id);
        assert.strictEqual((await request(port, 'GET', '/orders?customer=cy')).body.length, 2);
        assert.deepStrictEqual(await idempotency.get('k-1'), { status: 201, body: first.body });
        assert.strictEqual(await idempotency.get('unknown'), undefined);
    } finally {
        server.close();
        await idempotency.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
