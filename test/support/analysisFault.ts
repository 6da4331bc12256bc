/**
 * A bug planted in the analysis of a process under test, loaded with `node --require <this file>`:
 * analysing a text that contains `STAGECRAFT_TEST_FAULT` throws inside the parse, as a bug of ours
 * would. Lets the tests show what the user sees of an internal error, with no hook in the product.
 */
import parse = require('../../server/src/analysis/parse');

export const FAULT_MARKER = 'STAGECRAFT_TEST_FAULT';

const real = parse.parseDockerfile;
(parse as { parseDockerfile: typeof real }).parseDockerfile = (text: string) => {
    if (text.includes(FAULT_MARKER)) throw new TypeError('planted fault: cannot read properties of undefined');
    return real(text);
};
