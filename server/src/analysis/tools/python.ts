/**
 * Python: pip (also `python -m pip`), uv, poetry, pipenv, conda, and the test runners. An install
 * from requirement files reads only those files; one of the project itself (`pip install .`,
 * `uv sync` without `--no-install-project`) needs the sources.
 */
import type { SimpleCommand, } from '../shell';
import type { Step, ToolTable } from './types';
import { flagValues, HARMLESS, hasFlag, heavy, isLocalPath, isOutside, movable, needs, normalizeRel, other, positionals, stuck } from './words';

const PIP_VALUE_FLAGS = [
    '-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
    '-t', '--target', '--prefix', '--root', '--progress-bar', '--only-binary', '--no-binary', '--platform',
    '--python-version', '--implementation', '--abi', '--trusted-host', '--cache-dir', '--src', '-d', '--dest',
    '-w', '--wheel-dir', '--python', '-p', '--default-timeout', '--timeout', '--retries',
];

/** `pip install|download|wheel` and `uv pip install`: what the arguments ask for. */
function pipInstall(tool: string, command: string, args: string[]): Step {
    if (args.some((a) => a === '-e' || a.startsWith('--editable'))) return heavy('dependencies', tool, command, stuck(`${tool} installs a local project (-e)`));
    const files = flagValues(args, ['-r', '--requirement', '-c', '--constraint']);
    if (files.some(isOutside)) return heavy('dependencies', tool, command, stuck(`${tool} reads a requirements file outside the copied sources`));
    const local = positionals(args, PIP_VALUE_FLAGS).filter(isLocalPath);
    if (local.length > 0) return heavy('dependencies', tool, command, stuck(`${tool} installs ${local[0]} from the sources`));
    if (flagValues(args, ['-f', '--find-links']).some((f) => !/^https?:/.test(f))) {
        return heavy('dependencies', tool, command, stuck(`${tool} finds packages in a local folder`));
    }
    return heavy('dependencies', tool, command, movable(needs(files.map(normalizeRel), tool === 'pip' ? [] : ['.python-version', 'uv.toml'])));
}

export const pip: ToolTable = {
    name: 'pip', commands: ['pip'],
    manifests: ['requirements*.txt', 'constraints*.txt', 'pyproject.toml', 'setup.cfg', 'setup.py'], lockFiles: [], configFiles: ['pip.conf'],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'config' || sub === 'cache' || sub === '--version' || sub === 'list' || sub === 'freeze' || sub === 'check' || sub === 'uninstall') return HARMLESS;
        if (sub === 'install' || sub === 'download' || sub === 'wheel') return pipInstall('pip', `${words[0]} ${sub}`, words.slice(2));
        return other(`pip ${sub} is not known to leave the sources alone`);
    },
};

export const uv: ToolTable = {
    name: 'uv', commands: ['uv'],
    manifests: ['pyproject.toml'], lockFiles: ['uv.lock'], configFiles: ['uv.toml', '.python-version'],
    read({ words }) {
        const [, sub = '', sub2 = ''] = words;
        if (sub === 'pip' && sub2 === 'install') return pipInstall('uv', 'uv pip install', words.slice(3));
        if (sub === 'pip' && sub2 === 'sync') {
            const files = positionals(words.slice(3), PIP_VALUE_FLAGS);
            const move = files.length === 0 || files.some(isOutside) ? stuck('uv pip sync without a requirements file') : movable(needs(files.map(normalizeRel)));
            return heavy('dependencies', 'uv', 'uv pip sync', move);
        }
        if (sub === 'sync') {
            const args = words.slice(2);
            const move = hasFlag(args, '--no-install-project', '--only-deps')
                ? movable(needs(['pyproject.toml'], ['uv.lock', 'uv.toml', '.python-version']))
                : stuck('uv sync installs the project itself (add --no-install-project)');
            return heavy('dependencies', 'uv', 'uv sync', move);
        }
        if (sub === 'tool' && sub2 === 'install') return heavy('toolchain', 'uv', 'uv tool install', movable());
        if (sub === 'python' && sub2 === 'install') return heavy('toolchain', 'uv', 'uv python install', movable());
        if (sub === 'cache' || sub === 'venv' || sub === '--version') return HARMLESS;
        if (sub === 'run') return runner(words.slice(2), 'uv run');
        return other(`uv ${sub} is not known to leave the sources alone`);
    },
};

export const poetry: ToolTable = {
    name: 'poetry', commands: ['poetry'],
    manifests: ['pyproject.toml'], lockFiles: ['poetry.lock'], configFiles: ['poetry.toml'],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'config' || sub === '--version' || sub === 'self') return HARMLESS;
        if (sub === 'install' || sub === 'sync') {
            const move = hasFlag(words.slice(2), '--no-root')
                ? movable(needs(['pyproject.toml'], ['poetry.lock', 'poetry.toml']))
                : stuck('poetry install installs the project itself (add --no-root)');
            return heavy('dependencies', 'poetry', `poetry ${sub}`, move);
        }
        if (sub === 'run') return runner(words.slice(2), 'poetry run');
        return other(`poetry ${sub} is not known to leave the sources alone`);
    },
};

export const pipenv: ToolTable = {
    name: 'pipenv', commands: ['pipenv'],
    manifests: ['Pipfile'], lockFiles: ['Pipfile.lock'], configFiles: [],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'install' || sub === 'sync') {
            const move = positionals(words.slice(2)).length === 0 ? movable(needs(['Pipfile'], ['Pipfile.lock'])) : stuck(`pipenv ${sub} with packages changes the Pipfile`);
            return heavy('dependencies', 'pipenv', `pipenv ${sub}`, move);
        }
        return other(`pipenv ${sub}`);
    },
};

export const conda: ToolTable = {
    name: 'conda', commands: ['conda', 'mamba', 'micromamba'],
    manifests: ['environment.yml', 'environment.yaml'], lockFiles: ['conda-lock.yml'], configFiles: ['.condarc'],
    read({ words }) {
        const [c0, c1 = '', c2 = ''] = words;
        if (c1 === 'clean' || c1 === 'config' || c1 === 'info') return HARMLESS;
        const files = flagValues(words.slice(1), ['-f', '--file']);
        const creates = c1 === 'install' || c1 === 'create' || c1 === 'update' || (c1 === 'env' && (c2 === 'create' || c2 === 'update'));
        if (!creates) return other(`${c0} ${c1}`);
        const command = c1 === 'env' ? `${c0} env ${c2}` : `${c0} ${c1}`;
        if (files.some(isOutside)) return heavy('dependencies', 'conda', command, stuck(`${c0} reads a file outside the sources`));
        const pkgs = positionals(c1 === 'env' ? words.slice(3) : words.slice(2), ['-f', '--file', '-n', '--name', '-p', '--prefix', '-c', '--channel']);
        if (pkgs.some(isLocalPath)) return heavy('dependencies', 'conda', command, stuck(`${c0} installs a local package`));
        return heavy('dependencies', 'conda', command, movable(needs(files.map(normalizeRel))));
    },
};

/** `python -m <module>`, `uv run <cmd>`, `poetry run <cmd>`: the module or command decides. */
function runner(rest: string[], prefix: string): Step {
    const tool = rest[0] ?? '';
    if (/^(pytest|py\.test|unittest|tox|nox)$/.test(tool)) return { kind: 'test', tool, command: `${prefix} ${tool}` };
    return other(`${prefix} ${tool} runs the project`.replace(/ +/g, ' '));
}

export const python: ToolTable = {
    name: 'python', commands: ['python'], manifests: [], lockFiles: [], configFiles: [],
    read(cmd: SimpleCommand) {
        const { words } = cmd;
        if (words[1] !== '-m') {
            if (words[1] === 'setup.py' && /^(bdist_wheel|sdist|build|build_ext)$/.test(words[2] ?? '')) return { kind: 'build', tool: 'python', command: `${words[0]} setup.py ${words[2]}` };
            return other(`${words[0]} ${words[1] ?? ''} runs a script`.trim());
        }
        const module = words[2] ?? '';
        if (module === 'pip') {
            const sub = words[3] ?? '';
            if (sub === 'install' || sub === 'download' || sub === 'wheel') return pipInstall('pip', `${words[0]} -m pip ${sub}`, words.slice(4));
            return pip.read({ text: cmd.text, words: words.slice(2) });
        }
        if (module === 'venv' || module === 'ensurepip') return HARMLESS;
        if (module === 'build') return { kind: 'build', tool: 'python', command: `${words[0]} -m build` };
        return runner(words.slice(2), `${words[0]} -m`);
    },
};

export const pyTestRunners: ToolTable = {
    name: 'python test runner', commands: ['pytest', 'py.test', 'nox'], manifests: [], lockFiles: [], configFiles: ['pytest.ini', 'tox.ini', 'noxfile.py'],
    read: ({ words }) => ({ kind: 'test', tool: words[0], command: words[0] }),
};

export const tox: ToolTable = {
    name: 'tox', commands: ['tox'], manifests: [], lockFiles: [], configFiles: ['tox.ini'],
    read({ words }) {
        // `tox --notest` builds the environments (installs dependencies) without running anything.
        if (hasFlag(words.slice(1), '--notest')) return heavy('dependencies', 'tox', 'tox --notest', stuck('tox installs the project itself'));
        return { kind: 'test', tool: 'tox', command: 'tox' };
    },
};
