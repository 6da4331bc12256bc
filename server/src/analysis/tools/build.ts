/**
 * Native builds: make, configure, cmake, ninja, meson, ctest, and the `mold -run` wrapper. A
 * `make install` or `./configure` builds and installs (a toolchain step); other targets compile.
 */
import type { Step, ToolTable } from './types';
import { heavy, other, positionals, stuck } from './words';
import type { SimpleCommand } from '../shell';

const MAKE_VALUE_FLAGS = ['-C', '-f', '--file', '-l', '-o', '-W'];

export const make: ToolTable = {
    name: 'make', commands: ['make', 'gmake'], manifests: ['Makefile'], lockFiles: [], configFiles: [],
    read({ words }): Step {
        const targets = positionals(words.slice(1), MAKE_VALUE_FLAGS).filter((t) => !t.includes('=') && !/^\d+$/.test(t));
        if (targets.some((t) => /^(test|check|tests|unit-test|test-.*)$/.test(t))) return { kind: 'test', tool: 'make', command: 'make test' };
        if (targets.some((t) => t === 'install' || t.endsWith('-install') || t.startsWith('install'))) {
            return heavy('toolchain', 'make', 'make install', stuck('make install builds what is in the working directory'));
        }
        return { kind: 'build', tool: 'make', command: targets.length > 0 ? `make ${targets[0]}` : 'make' };
    },
};

export const configure: ToolTable = {
    name: 'configure', commands: ['configure'], manifests: [], lockFiles: [], configFiles: [],
    read: () => heavy('toolchain', 'configure', './configure', stuck('./configure reads the sources')),
};

export const cmake: ToolTable = {
    name: 'cmake', commands: ['cmake', 'ninja', 'meson', 'autogen.sh', 'autoreconf'], manifests: ['CMakeLists.txt', 'meson.build'], lockFiles: [], configFiles: [],
    read: ({ words }) => ({ kind: 'build', tool: words[0], command: words[0] }),
};

export const ctest: ToolTable = {
    name: 'ctest', commands: ['ctest'], manifests: [], lockFiles: [], configFiles: [],
    read: () => ({ kind: 'test', tool: 'ctest', command: 'ctest' }),
};

/** `mold -run <command>`: the command after it decides. */
export function moldRun(cmd: SimpleCommand, read: (cmd: SimpleCommand) => Step): Step {
    if (cmd.words[1] === '-run' && cmd.words.length > 2) {
        const words = cmd.words.slice(2);
        return read({ text: words.join(' '), words });
    }
    return other('mold without -run');
}
