/**
 * Node package managers: npm, yarn, pnpm, bun (and npx, corepack). A project install reads
 * package.json, the lock file and the registry settings (`.npmrc`, `.yarnrc.yml`); one with package
 * names changes package.json; a global install is a tool.
 */
import type { Step, ToolTable } from './types';
import { HARMLESS, hasFlag, heavy, isLocalPath, movable, needs, other, positionals, stuck } from './words';

const NODE_CAVEAT = 'assumes .dockerignore excludes node_modules';
/** `npm run <script>` names that build (rather than test, lint or start). */
const BUILD_SCRIPT = /(^|[:_-])(build|compile|bundle|dist|generate|prepare|export)([:_-]|$)/;
const TEST_SCRIPT = /^(test|tests|test:.*|ci:test|unit|spec|e2e)$/;

/** `run <script>` of any of the managers: a test, a build, or something else. */
function script(tool: string, name: string, command: string): Step {
    if (TEST_SCRIPT.test(name)) return { kind: 'test', tool, command };
    if (BUILD_SCRIPT.test(name)) return { kind: 'build', tool, command };
    return other(`${command} runs a script of the project`);
}

const NPM_VALUE_FLAGS = ['--omit', '--include', '--registry', '--prefix', '--loglevel', '--cache', '--workspace', '-w', '--userconfig'];

export const npm: ToolTable = {
    name: 'npm', commands: ['npm'],
    manifests: ['package.json'], lockFiles: ['package-lock.json', 'npm-shrinkwrap.json'], configFiles: ['.npmrc'],
    read({ words }) {
        const sub = words[1] ?? '';
        const args = words.slice(2);
        if (['cache', 'config', 'set', 'version', '--version', '-v', 'doctor', 'ping', 'whoami', 'view', 'info'].includes(sub)) return HARMLESS;
        if (['ci', 'clean-install', 'install-clean', 'install', 'i', 'add', 'isntall'].includes(sub)) {
            const command = `npm ${sub}`;
            const pkgs = positionals(args, NPM_VALUE_FLAGS);
            if (hasFlag(args, '-g', '--global')) {
                return heavy('toolchain', 'npm', command, pkgs.some(isLocalPath) ? stuck('npm installs a local package') : movable());
            }
            if (pkgs.length > 0) return heavy('dependencies', 'npm', command, stuck(`npm ${sub} ${pkgs[0]} changes package.json`));
            return heavy('dependencies', 'npm', command, movable(needs(['package.json'], ['package-lock.json', 'npm-shrinkwrap.json', '.npmrc']), NODE_CAVEAT));
        }
        if (sub === 'test' || sub === 't' || sub === 'tst') return { kind: 'test', tool: 'npm', command: `npm ${sub}` };
        if (sub === 'run' || sub === 'run-script') return script('npm', words[2] ?? '', `npm ${sub} ${words[2] ?? ''}`.trim());
        return other(`npm ${sub} needs the sources`);
    },
};

export const npx: ToolTable = {
    name: 'npx', commands: ['npx'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        const tool = positionals(words.slice(1), ['-p', '--package'])[0] ?? '';
        if (/^(jest|vitest|mocha|ava|playwright|cypress)$/.test(tool)) return { kind: 'test', tool: 'npx', command: `npx ${tool}` };
        return other(`npx ${tool} runs a package on the sources`.replace('  ', ' '));
    },
};

const YARN_VALUE_FLAGS = ['--network-timeout', '--modules-folder', '--cache-folder', '--mutex', '--registry'];

export const yarn: ToolTable = {
    name: 'yarn', commands: ['yarn'],
    manifests: ['package.json'], lockFiles: ['yarn.lock'], configFiles: ['.yarnrc', '.yarnrc.yml', '.npmrc'],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'cache' || sub === 'config' || sub === '--version' || sub === 'set') return HARMLESS;
        if (sub === 'global') {
            return words[2] === 'add' ? heavy('toolchain', 'yarn', 'yarn global add', movable()) : HARMLESS;
        }
        if (sub === '' || sub === 'install' || sub.startsWith('-')) {
            const args = sub === 'install' ? words.slice(2) : words.slice(1);
            const command = sub === 'install' ? 'yarn install' : 'yarn';
            if (positionals(args, YARN_VALUE_FLAGS).length > 0) return heavy('dependencies', 'yarn', command, stuck('yarn with arguments'));
            return heavy('dependencies', 'yarn', command, movable(needs(['package.json'], ['yarn.lock', '.yarnrc', '.yarnrc.yml', '.npmrc']), NODE_CAVEAT));
        }
        if (sub === 'add') return heavy('dependencies', 'yarn', 'yarn add', stuck('yarn add changes package.json'));
        if (sub === 'test') return { kind: 'test', tool: 'yarn', command: 'yarn test' };
        if (sub === 'run') return script('yarn', words[2] ?? '', `yarn run ${words[2] ?? ''}`.trim());
        if (sub === 'turbo' || sub === 'nx') return script('yarn', words[2] ?? '', `yarn ${sub} ${words[2] ?? ''}`.trim());
        return script('yarn', sub, `yarn ${sub}`);
    },
};

export const pnpm: ToolTable = {
    name: 'pnpm', commands: ['pnpm'],
    manifests: ['package.json', 'pnpm-workspace.yaml'], lockFiles: ['pnpm-lock.yaml'], configFiles: ['.npmrc', '.pnpmfile.cjs'],
    read({ words }) {
        const sub = words[1] ?? '';
        const args = words.slice(2);
        if (sub === 'config' || sub === 'store' || sub === '--version') return HARMLESS;
        if (sub === 'fetch') return heavy('dependencies', 'pnpm', 'pnpm fetch', movable(needs(['pnpm-lock.yaml'], ['.npmrc'])));
        if (sub === 'install' || sub === 'i') {
            const command = `pnpm ${sub}`;
            if (hasFlag(args, '-g', '--global')) return heavy('toolchain', 'pnpm', command, movable());
            if (positionals(args, ['--filter', '--reporter', '-F']).length > 0) return heavy('dependencies', 'pnpm', command, stuck('pnpm install with packages'));
            if (args.some((a) => a.startsWith('--filter') || a === '-F' || a === '-r' || a === '--recursive')) {
                return heavy('dependencies', 'pnpm', command, stuck('pnpm workspace install needs the workspace packages'));
            }
            return heavy('dependencies', 'pnpm', command,
                movable(needs(['package.json'], ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs']), NODE_CAVEAT));
        }
        if (sub === 'add') return heavy('dependencies', 'pnpm', 'pnpm add', stuck('pnpm add changes package.json'));
        if (sub === 'test' || sub === 't') return { kind: 'test', tool: 'pnpm', command: `pnpm ${sub}` };
        if (sub === 'run') return script('pnpm', words[2] ?? '', `pnpm run ${words[2] ?? ''}`.trim());
        return script('pnpm', sub, `pnpm ${sub}`);
    },
};

export const bun: ToolTable = {
    name: 'bun', commands: ['bun'],
    manifests: ['package.json'], lockFiles: ['bun.lockb', 'bun.lock'], configFiles: ['bunfig.toml', '.npmrc'],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'install' || sub === 'i') {
            if (hasFlag(words.slice(2), '-g', '--global')) return heavy('toolchain', 'bun', `bun ${sub}`, movable());
            if (positionals(words.slice(2)).length > 0) return heavy('dependencies', 'bun', `bun ${sub}`, stuck('bun install with packages changes package.json'));
            return heavy('dependencies', 'bun', `bun ${sub}`, movable(needs(['package.json'], ['bun.lockb', 'bun.lock', 'bunfig.toml', '.npmrc']), NODE_CAVEAT));
        }
        if (sub === 'add') return heavy('dependencies', 'bun', 'bun add', stuck('bun add changes package.json'));
        if (sub === 'test') return { kind: 'test', tool: 'bun', command: 'bun test' };
        if (sub === 'run') return script('bun', words[2] ?? '', `bun run ${words[2] ?? ''}`.trim());
        return other(`bun ${sub} needs the sources`);
    },
};

export const corepack: ToolTable = {
    name: 'corepack', commands: ['corepack'], manifests: [], lockFiles: [], configFiles: [],
    read: () => HARMLESS,
};

/** Test runners called by name. */
export const jsTestRunners: ToolTable = {
    name: 'node test runner', commands: ['jest', 'vitest', 'mocha', 'ava'], manifests: [], lockFiles: [], configFiles: [],
    read: ({ words }) => ({ kind: 'test', tool: words[0], command: words[0] }),
};
