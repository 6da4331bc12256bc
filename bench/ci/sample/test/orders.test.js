'use strict';
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { createApp } = require('../dist/src/app');
const { validate, total, canMove } = require('../dist/src/lib/orders');

const order = { customer: 'ada', lines: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 1500 }, { sku: 'PEN-9', quantity: 1, unitPrice: 250 }], discount: 250 };

test('validates and totals an order', () => {
    const o = validate(order);
    assert.strictEqual(total(o), 3600);
    assert.throws(() => validate({ customer: 'x', lines: [] }));
    assert.ok(canMove('open', 'paid'));
    assert.ok(!canMove('shipped', 'open'));
});

function request(port, method, path, body) {
    return new Promise((resolve, reject) => {
        const data = body ? JSON.stringify(body) : undefined;
        const req = http.request({ port, method, path, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
            let text = '';
            res.on('data', (c) => { text += c; });
            res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(data);
    });
}

test('serves the orders API', async () => {
    const server = createApp().listen(0);
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address();
    try {
        const created = await request(port, 'POST', '/orders', order);
        assert.strictEqual(created.status, 201);
        assert.strictEqual(created.body.total, '36.00 EUR');
        const paid = await request(port, 'POST', `/orders/${created.body.id}/paid`);
        assert.strictEqual(paid.body.status, 'paid');
        const bad = await request(port, 'POST', `/orders/${created.body.id}/paid`);
        assert.strictEqual(bad.status, 409);
        const list = await request(port, 'GET', '/orders?customer=ada');
        assert.strictEqual(list.body.length, 1);
    } finally {
        server.close();
    }
});
