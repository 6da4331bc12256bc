'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { toCents, format, allocate } = require('../dist/src/lib/money');

test('parses amounts to cents', () => {
    assert.strictEqual(toCents('12.5'), 1250);
    assert.strictEqual(toCents('-0.07'), -7);
    assert.strictEqual(toCents(3), 300);
    assert.throws(() => toCents('1.234'));
});
test('formats cents', () => {
    assert.strictEqual(format(123456), '1234.56 EUR');
    assert.strictEqual(format(-5, 'USD'), '-0.05 USD');
});
test('allocates exactly', () => {
    for (const [t, n] of [[100, 3], [-100, 3], [7, 7], [1, 4]]) {
        const parts = allocate(t, n);
        assert.strictEqual(parts.reduce((a, b) => a + b, 0), t);
        assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
    }
});
