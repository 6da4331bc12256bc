'use strict';

/** The text served at /hello. */
function greeting(name) {
  return `hello, ${name || 'world'}`;
}

module.exports = { greeting };
