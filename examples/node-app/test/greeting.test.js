'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { greeting } = require('../dist/greeting');

test('greets the world by default', () => {
  assert.strictEqual(greeting(), 'hello, world');
});

test('greets by name', () => {
  assert.strictEqual(greeting('docker'), 'hello, docker');
});
