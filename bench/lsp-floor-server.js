'use strict';
/**
 * The transport floor of the code lens benchmark (bench/editor.js): a language server on the same
 * library (vscode-languageserver) and transport (stdio) as Stagecraft's, which answers
 * `textDocument/codeLens` with the lenses Stagecraft sends (one per FROM line: the range at
 * character 0, `data` a document key) computed once when the document opens. Per request it only
 * serialises the list: what any server with one lens per stage pays at the least.
 */
const { createConnection } = require('vscode-languageserver/node');

const connection = createConnection();
const lenses = new Map();
connection.onInitialize(() => ({ capabilities: { textDocumentSync: 1, codeLensProvider: { resolveProvider: true } } }));
connection.onDidOpenTextDocument(({ textDocument }) => {
    const list = [];
    textDocument.text.split('\n').forEach((line, i) => {
        if (/^\s*FROM\s/i.test(line)) list.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: 0 } }, data: 1 });
    });
    lenses.set(textDocument.uri, list);
});
connection.onDidCloseTextDocument(({ textDocument }) => { lenses.delete(textDocument.uri); });
connection.onCodeLens(({ textDocument }) => lenses.get(textDocument.uri) ?? []);
connection.listen();
