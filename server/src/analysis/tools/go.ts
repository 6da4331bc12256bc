/**
 * Go: `go mod download` reads go.mod and go.sum; `go install tool@version` fetches and builds a
 * pinned tool (no context file); `go build` and `go install ./...` compile the sources.
 */
import type { ToolTable } from './types';
import { HARMLESS, hasFlag, heavy, movable, needs, other, positionals, stuck } from './words';

const GO_VALUE_FLAGS = ['-tags', '-ldflags', '-gcflags', '-o', '-mod', '-modfile', '-p', '-buildmode', '-trimpath', '-C'];

export const go: ToolTable = {
    name: 'go', commands: ['go', 'xx-go'],
    manifests: ['go.mod', 'go.work'], lockFiles: ['go.sum', 'go.work.sum'], configFiles: [],
    read({ words }) {
        const [c0, sub = '', sub2 = ''] = words;
        if (sub === '--wrap' || sub === 'env' || sub === 'version' || sub === 'help') return HARMLESS;
        if (sub === 'mod' && sub2 === 'download') return heavy('dependencies', 'go', `${c0} mod download`, movable(needs(['go.mod'], ['go.sum'])));
        if (sub === 'mod' && sub2 === 'vendor') return heavy('dependencies', 'go', `${c0} mod vendor`, stuck('go mod vendor reads the imports of the sources'));
        if (sub === 'get') return heavy('dependencies', 'go', `${c0} get`, stuck('go get changes go.mod'));
        if (sub === 'install') {
            const pkgs = positionals(words.slice(2), GO_VALUE_FLAGS);
            if (pkgs.length > 0 && pkgs.every((p) => p.includes('@') && !p.startsWith('.'))) return heavy('toolchain', 'go', `${c0} install`, movable());
            return { kind: 'build', tool: 'go', command: `${c0} install` };
        }
        if (sub === 'build') return { kind: 'build', tool: 'go', command: `${c0} build` };
        if (sub === 'test') {
            // `go test -c` compiles the tests without running them.
            return hasFlag(words.slice(2), '-c') ? { kind: 'build', tool: 'go', command: `${c0} test -c` } : { kind: 'test', tool: 'go', command: `${c0} test` };
        }
        return other(`go ${sub} needs the sources`);
    },
};

export const gotestsum: ToolTable = {
    name: 'gotestsum', commands: ['gotestsum'], manifests: [], lockFiles: [], configFiles: [],
    read: () => ({ kind: 'test', tool: 'gotestsum', command: 'gotestsum' }),
};
