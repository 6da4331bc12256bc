'use strict';
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const bcrypt = require('bcrypt');
const { createApp } = require('../dist/src/app');
const { hashKey } = require('../dist/src/lib/auth');

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

test('hashes API keys with bcrypt (the native module built in the deps stage)', async () => {
    const hash = await hashKey('s3cret', 4);
    assert.match(hash, /^\$2b\$04\$/);
    assert.ok(await bcrypt.compare('s3cret', hash));
    assert.ok(!(await bcrypt.compare('other', hash)));
});

test('write requests need the API key', async () => {
    const server = createApp(undefined, { apiKeyHash: await hashKey('s3cret', 4) }).listen(0);
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address();
    const order = { customer: 'bob', lines: [{ sku: 'MUG-2', quantity: 1, unitPrice: 900 }] };
    try {
        assert.strictEqual((await request(port, 'POST', '/orders', order)).status, 401);
        assert.strictEqual((await request(port, 'POST', '/orders', order, { authorization: 'Bearer wrong' })).status, 401);
        const ok = await request(port, 'POST', '/orders', order, { authorization: 'Bearer s3cret' });
        assert.strictEqual(ok.status, 201);
        assert.strictEqual((await request(port, 'GET', `/orders/${ok.body.id}`)).status, 200);
    } finally {
        server.close();
    }
});
