/**
 * What a RUN needs from the build context, for the "split heavy step" quick-fix: which
 * dependency manifests each install command reads, and whether the RUN does anything that needs
 * the rest of the sources (then moving it before the sources would change the result, and the
 * fix is not offered).
 *
 * Deliberately conservative: a simple command we do not recognise blocks the fix. Pure; no I/O.
 */
import { isBroadSource, simpleCommands } from '../analysis/commands';

/** What moving a RUN into a dependency stage takes. */
export interface RunNeeds {
    /** False when some command needs the sources (or is unknown); `reason` says which. */
    movable: boolean;
    reason: string | null;
    /** The package managers whose install the RUN runs (`npm`, `go`, `apt-get`, ...). */
    tools: string[];
    /**
     * Context paths to copy before the RUN, relative to the RUN's working directory. The first of
     * a group is required (the install fails without it anyway); the others are optional and get
     * a trailing `*` in the COPY so that a missing lockfile does not fail the build.
     */
    manifests: ManifestGroup[];
    /** Short caveats for the stage's description comment (e.g. node_modules in .dockerignore). */
    caveats: string[];
}

export interface ManifestGroup {
    required: string[];
    optional: string[];
}

type Verdict =
    | { kind: 'install'; tool: string; manifests: ManifestGroup; caveat?: string }
    | { kind: 'harmless' }
    | { kind: 'blocker'; reason: string };

const NODE_CAVEAT = 'assumes .dockerignore excludes node_modules';

/** Words of a simple command; quotes removed (no expansion: `$` makes a path unknown). */
function words(cmd: string): string[] {
    const out: string[] = [];
    const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(cmd)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
    return out;
}

/** A positional argument that points into the build context (a path, not a package name). */
function isLocalPath(arg: string): boolean {
    return arg.startsWith('.') || arg.startsWith('/') || arg.includes('/') || /\.(whl|tar\.gz|tgz|zip|deb|rpm|apk|gem)$/i.test(arg) || arg.includes('$');
}

/** Positional arguments, skipping flags and the values of the given value-taking flags. */
function positionals(args: string[], valueFlags: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '--') { out.push(...args.slice(i + 1)); break; }
        if (a.startsWith('-')) {
            if (!a.includes('=') && valueFlags.includes(a)) i++;
            continue;
        }
        out.push(a);
    }
    return out;
}

/** Values of a flag, in both `-r x` / `--requirement x` and `--requirement=x` forms. */
function flagValues(args: string[], names: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        for (const n of names) {
            if (a === n && i + 1 < args.length) out.push(args[i + 1]);
            else if (n.startsWith('--') && a.startsWith(n + '=')) out.push(a.slice(n.length + 1));
            else if (!n.startsWith('--') && a.startsWith(n) && a.length > n.length && a[n.length] !== '=') out.push(a.slice(n.length));
        }
    }
    return out;
}

const group = (required: string[], optional: string[] = []): ManifestGroup => ({ required, optional });
const NONE = group([]);

const PIP_VALUE_FLAGS = [
    '-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
    '-t', '--target', '--prefix', '--root', '--progress-bar', '--only-binary', '--no-binary', '--platform',
    '--python-version', '--implementation', '--abi', '--trusted-host', '--cache-dir', '--src', '-d', '--dest',
    '-w', '--wheel-dir', '--python', '-p',
];

function pipVerdict(tool: string, args: string[]): Verdict {
    if (args.some((a) => a === '-e' || a.startsWith('--editable'))) return { kind: 'blocker', reason: `${tool} installs a local project (-e)` };
    const files = flagValues(args, ['-r', '--requirement', '-c', '--constraint']);
    if (files.some((f) => f.includes('$') || f.startsWith('/') || f.startsWith('..'))) {
        return { kind: 'blocker', reason: `${tool} reads a requirements file outside the copied sources` };
    }
    const local = positionals(args, PIP_VALUE_FLAGS).filter(isLocalPath);
    if (local.length > 0) return { kind: 'blocker', reason: `${tool} installs ${local[0]} from the sources` };
    if (flagValues(args, ['-f', '--find-links']).some((f) => !/^https?:/.test(f))) {
        return { kind: 'blocker', reason: `${tool} finds packages in a local folder` };
    }
    return { kind: 'install', tool, manifests: group(files.map(normalizeRel)) };
}

function normalizeRel(p: string): string {
    return p.replace(/^(\.\/)+/, '');
}

/** The verdict for one simple command. */
export function classifyCommand(cmd: string): Verdict {
    let w = words(cmd);
    // `python -m pip ...`, `python3.12 -m pip ...`
    if (w.length >= 3 && /^python\d?(\.\d+)?$/.test(w[0]) && w[1] === '-m') w = w.slice(2);
    const [c0 = '', c1 = '', ...rest] = w;
    const after1 = w.slice(1);
    const after2 = w.slice(2);
    const noPositional = (args: string[]) => positionals(args, []).length === 0;

    switch (c0) {
        case 'true': case ':': case 'echo': case 'printf': case 'set': case 'export': case 'corepack': case 'ldconfig':
        case 'update-ca-certificates':
            return { kind: 'harmless' };
        case 'mkdir':
            return { kind: 'harmless' };
        case 'sh': case 'bash': case 'ash': case 'dash':
            // `curl ... | sh -s -- args`: a script from stdin.
            return after1.length === 0 || after1[0] === '-s' || after1[0] === '-' ? { kind: 'harmless' } : { kind: 'blocker', reason: `${c0} runs a script` };
        case 'rm': {
            const paths = positionals(after1, []);
            return paths.length > 0 && paths.every((p) => /^(\/var\/|\/tmp\/|\/root\/\.|~\/\.|\/usr\/share\/doc|\/usr\/share\/man)/.test(p))
                ? { kind: 'harmless' }
                : { kind: 'blocker', reason: 'rm removes files that may be sources' };
        }
        case 'apt-get': case 'apt': case 'aptitude': {
            if (['update', 'clean', 'autoclean', 'autoremove', 'upgrade', 'dist-upgrade'].includes(c1)) return { kind: 'harmless' };
            const sub = positionals(after1, ['-o', '-t', '--target-release'])[0];
            if (sub === 'install' || sub === 'build-dep') {
                const pkgs = positionals(after1, ['-o', '-t', '--target-release']).slice(1);
                if (pkgs.some(isLocalPath)) return { kind: 'blocker', reason: `${c0} installs a package file from the sources` };
                return { kind: 'install', tool: 'apt-get', manifests: NONE };
            }
            return { kind: 'blocker', reason: `${c0} ${c1}` };
        }
        case 'apk': {
            if (['update', 'upgrade', 'cache'].includes(c1)) return { kind: 'harmless' };
            if (c1 === 'add' || positionals(after1, ['-X', '--repository', '-t', '--virtual'])[0] === 'add') {
                const pkgs = positionals(after1, ['-X', '--repository', '-t', '--virtual']).slice(1);
                if (pkgs.some(isLocalPath)) return { kind: 'blocker', reason: 'apk installs a package file from the sources' };
                return { kind: 'install', tool: 'apk', manifests: NONE };
            }
            return { kind: 'blocker', reason: `apk ${c1}` };
        }
        case 'dnf': case 'microdnf': case 'yum': case 'zypper': case 'tdnf': {
            const sub = positionals(after1, [])[0];
            if (sub === 'clean' || sub === 'makecache' || sub === 'update' || sub === 'upgrade') return { kind: 'harmless' };
            if (sub === 'install' || sub === 'in' || sub === 'groupinstall') {
                const pkgs = positionals(after1, []).slice(1);
                if (pkgs.some(isLocalPath)) return { kind: 'blocker', reason: `${c0} installs a package file from the sources` };
                return { kind: 'install', tool: c0, manifests: NONE };
            }
            return { kind: 'blocker', reason: `${c0} ${sub ?? ''}`.trim() };
        }
        case 'npm': {
            if (c1 === 'cache' || c1 === 'config' || c1 === 'set') return { kind: 'harmless' };
            if (['ci', 'install', 'i', 'clean-install'].includes(c1)) {
                const global = after2.includes('-g') || after2.includes('--global');
                const pkgs = positionals(after2, ['--omit', '--include', '--registry', '--prefix', '--loglevel', '--cache']);
                if (global) return pkgs.some(isLocalPath) ? { kind: 'blocker', reason: 'npm installs a local package' } : { kind: 'harmless' };
                if (pkgs.length > 0) return { kind: 'blocker', reason: `npm ${c1} ${pkgs[0]} changes package.json` };
                return { kind: 'install', tool: 'npm', manifests: group(['package.json'], ['package-lock.json']), caveat: NODE_CAVEAT };
            }
            return { kind: 'blocker', reason: `npm ${c1} needs the sources` };
        }
        case 'yarn': {
            if (c1 === 'cache' || c1 === 'config') return { kind: 'harmless' };
            if (c1 === 'global') return { kind: 'harmless' };
            if (c1 === '' || c1 === 'install' || c1.startsWith('-')) {
                const args = c1 === 'install' ? after2 : after1;
                if (positionals(args, ['--network-timeout', '--modules-folder', '--cache-folder']).length > 0) return { kind: 'blocker', reason: 'yarn with arguments' };
                return { kind: 'install', tool: 'yarn', manifests: group(['package.json'], ['yarn.lock']), caveat: NODE_CAVEAT };
            }
            return { kind: 'blocker', reason: `yarn ${c1} needs the sources` };
        }
        case 'pnpm': {
            if (c1 === 'config' || c1 === 'store') return { kind: 'harmless' };
            if (c1 === 'fetch') return { kind: 'install', tool: 'pnpm', manifests: group(['pnpm-lock.yaml']) };
            if (c1 === 'install' || c1 === 'i') {
                if (after2.includes('-g') || after2.includes('--global')) return { kind: 'harmless' };
                if (positionals(after2, ['--filter', '--reporter']).length > 0) return { kind: 'blocker', reason: 'pnpm install with packages' };
                if (after2.some((a) => a.startsWith('--filter') || a === '-r' || a === '--recursive')) return { kind: 'blocker', reason: 'pnpm workspace install needs the workspace packages' };
                return { kind: 'install', tool: 'pnpm', manifests: group(['package.json'], ['pnpm-lock.yaml', 'pnpm-workspace.yaml']), caveat: NODE_CAVEAT };
            }
            return { kind: 'blocker', reason: `pnpm ${c1} needs the sources` };
        }
        case 'bun':
            // Its lockfile has two names (bun.lockb, bun.lock); copying the wrong one would resolve afresh.
            return { kind: 'blocker', reason: 'bun install is not supported yet' };
        case 'pip': case 'pip3': {
            if (c1 === 'config' || c1 === 'cache') return { kind: 'harmless' };
            if (c1 === 'install' || c1 === 'download' || c1 === 'wheel') return pipVerdict('pip', after2);
            return { kind: 'blocker', reason: `pip ${c1}` };
        }
        case 'uv': {
            if (c1 === 'pip' && (rest[0] === 'install')) return pipVerdict('uv', rest.slice(1));
            if (c1 === 'pip' && rest[0] === 'sync') {
                const files = positionals(rest.slice(1), PIP_VALUE_FLAGS);
                if (files.length === 0 || files.some(isOutside)) return { kind: 'blocker', reason: 'uv pip sync without a requirements file' };
                return { kind: 'install', tool: 'uv', manifests: group(files.map(normalizeRel)) };
            }
            if (c1 === 'sync') {
                if (!after2.includes('--no-install-project') && !after2.includes('--only-deps')) {
                    return { kind: 'blocker', reason: 'uv sync installs the project itself (add --no-install-project)' };
                }
                return { kind: 'install', tool: 'uv', manifests: group(['pyproject.toml'], ['uv.lock']) };
            }
            return { kind: 'blocker', reason: `uv ${c1}` };
        }
        case 'poetry': {
            if (c1 === 'config') return { kind: 'harmless' };
            if (c1 === 'install') {
                if (!after2.includes('--no-root')) return { kind: 'blocker', reason: 'poetry install installs the project itself (add --no-root)' };
                return { kind: 'install', tool: 'poetry', manifests: group(['pyproject.toml'], ['poetry.lock']) };
            }
            return { kind: 'blocker', reason: `poetry ${c1}` };
        }
        case 'pipenv': {
            if ((c1 === 'install' || c1 === 'sync') && noPositional(after2)) {
                return { kind: 'install', tool: 'pipenv', manifests: group(['Pipfile'], ['Pipfile.lock']) };
            }
            return { kind: 'blocker', reason: `pipenv ${c1}` };
        }
        case 'go': {
            if (c1 === 'env' || c1 === 'version') return { kind: 'harmless' };
            if (c1 === 'mod' && rest[0] === 'download') {
                return { kind: 'install', tool: 'go', manifests: group(['go.mod'], ['go.sum']) };
            }
            if (c1 === 'install') {
                const pkgs = positionals(after2, ['-tags', '-ldflags', '-gcflags']);
                if (pkgs.length > 0 && pkgs.every((p) => p.includes('@') && !p.startsWith('.'))) return { kind: 'harmless' };
                return { kind: 'blocker', reason: 'go install of local packages needs the sources' };
            }
            return { kind: 'blocker', reason: `go ${c1} needs the sources` };
        }
        case 'cargo': {
            if (c1 === 'install' && !after2.includes('--path')) return { kind: 'harmless' };
            return { kind: 'blocker', reason: `cargo ${c1} needs the crate's sources (cargo needs a target file)` };
        }
        case 'rustup':
            return { kind: 'harmless' };
        case 'bundle': case 'bundler': {
            if (c1 === 'config') return { kind: 'harmless' };
            if (c1 === '' || c1 === 'install') {
                return { kind: 'install', tool: 'bundle', manifests: group(['Gemfile'], ['Gemfile.lock']) };
            }
            return { kind: 'blocker', reason: `bundle ${c1}` };
        }
        case 'gem': {
            if (c1 === 'install' || c1 === 'update') {
                const pkgs = positionals(after2, ['-v', '--version', '-N', '--source']);
                return pkgs.some(isLocalPath) ? { kind: 'blocker', reason: 'gem installs a local gem' } : { kind: 'harmless' };
            }
            return { kind: 'blocker', reason: `gem ${c1}` };
        }
        case 'composer': case 'composer.phar': {
            if (c1 === 'config' || c1 === 'clear-cache' || c1 === 'self-update') return { kind: 'harmless' };
            if (c1 === 'install') {
                if (after2.some((a) => /^(-o|-a|--optimize-autoloader|--classmap-authoritative|--apcu-autoloader)$/.test(a))) {
                    return { kind: 'blocker', reason: 'an optimised autoloader scans the sources (add --no-autoloader and dump it later)' };
                }
                return { kind: 'install', tool: 'composer', manifests: group(['composer.json'], ['composer.lock']), caveat: 'assumes .dockerignore excludes vendor' };
            }
            return { kind: 'blocker', reason: `composer ${c1}` };
        }
        case 'mvn': {
            const goals = positionals(after1, ['-f', '--file', '-s', '--settings', '-P', '-pl', '-T']);
            if (goals.length > 0 && goals.every((g) => /^dependency:(go-offline|resolve|resolve-plugins|copy-dependencies)$|:go-offline(-maven-plugin)?(:[\w.-]+)*$/.test(g))) {
                if (flagValues(after1, ['-f', '--file']).length > 0) return { kind: 'blocker', reason: 'mvn -f names another pom' };
                return { kind: 'install', tool: 'mvn', manifests: group(['pom.xml']) };
            }
            return { kind: 'blocker', reason: `mvn ${goals.join(' ')} needs the sources` };
        }
        case 'dotnet': {
            if (c1 === 'restore') {
                const targets = positionals(after2, ['-s', '--source', '-r', '--runtime', '--packages', '--configfile', '-v', '--verbosity']);
                if (targets.length > 1 || targets.some((t) => t.includes('$') || t.startsWith('/') || t.startsWith('..'))) {
                    return { kind: 'blocker', reason: 'dotnet restore of a project outside the sources' };
                }
                if (targets.length === 1 && /\.(cs|fs|vb)proj$|\.sln$/i.test(targets[0])) {
                    return { kind: 'install', tool: 'dotnet', manifests: group([normalizeRel(targets[0])]), caveat: 'assumes .dockerignore excludes bin and obj' };
                }
                if (targets.length === 1) return { kind: 'blocker', reason: 'dotnet restore of a folder' };
                return { kind: 'install', tool: 'dotnet', manifests: group(['*.csproj']), caveat: 'assumes .dockerignore excludes bin and obj' };
            }
            return { kind: 'blocker', reason: `dotnet ${c1} needs the sources` };
        }
        case 'mix': {
            if (c1 === 'local.hex' || c1 === 'local.rebar') return { kind: 'harmless' };
            if (c1 === 'deps.get') return { kind: 'install', tool: 'mix', manifests: group(['mix.exs', 'mix.lock']) };
            return { kind: 'blocker', reason: `mix ${c1} needs the sources` };
        }
        case 'conda': case 'mamba': case 'micromamba': {
            if (c1 === 'clean' || c1 === 'config') return { kind: 'harmless' };
            const files = flagValues(after1, ['-f', '--file']);
            if (files.some(isOutside)) return { kind: 'blocker', reason: `${c0} reads a file outside the sources` };
            if (c1 === 'install' || c1 === 'create' || (c1 === 'env' && (rest[0] === 'create' || rest[0] === 'update'))) {
                const pkgs = positionals(c1 === 'env' ? rest.slice(1) : after2, ['-f', '--file', '-n', '--name', '-p', '--prefix', '-c', '--channel']);
                if (pkgs.some(isLocalPath)) return { kind: 'blocker', reason: `${c0} installs a local package` };
                return { kind: 'install', tool: 'conda', manifests: group(files.map(normalizeRel)) };
            }
            return { kind: 'blocker', reason: `${c0} ${c1}` };
        }
        case 'curl': {
            if (after1.some((a) => a.startsWith('@') || /^(-T|--upload-file|-K|--config|-d|--data|--data-binary|-F|--form)$/.test(a) || a.startsWith('-d@'))) {
                return { kind: 'blocker', reason: 'curl sends a local file' };
            }
            return { kind: 'install', tool: 'curl', manifests: NONE };
        }
        case 'wget': {
            if (after1.some((a) => a === '-i' || a.startsWith('--input-file'))) return { kind: 'blocker', reason: 'wget reads a local URL list' };
            return { kind: 'install', tool: 'wget', manifests: NONE };
        }
        case 'git':
            return c1 === 'clone' ? { kind: 'install', tool: 'git', manifests: NONE } : { kind: 'blocker', reason: `git ${c1} needs the repository` };
        case 'tar': {
            const archives = flagValues(after1, ['-f', '--file']);
            const reads = archives.length === 0 ? false : archives.some((f) => f !== '-');
            const combined = after1.find((a) => /^-?[a-zA-Z]*f$/.test(a) && !a.startsWith('--'));
            return reads || (combined !== undefined && after1[after1.indexOf(combined) + 1] !== '-')
                ? { kind: 'blocker', reason: 'tar reads an archive that may come from the sources' }
                : { kind: 'harmless' };
        }
        default:
            return { kind: 'blocker', reason: `${c0 || 'an empty command'} is not known to leave the sources alone` };
    }
}

function isOutside(p: string): boolean {
    return p.includes('$') || p.startsWith('/') || p.startsWith('..');
}

/** What the RUN script (shell form, continuations joined) needs to move into a dependency stage. */
export function runNeeds(script: string): RunNeeds {
    const tools: string[] = [];
    const manifests: ManifestGroup[] = [];
    const caveats: string[] = [];
    const trimmed = script.trim();
    if (trimmed.includes('<<')) return { movable: false, reason: 'a heredoc RUN', tools, manifests, caveats };
    if (/\$\(|`/.test(trimmed)) return { movable: false, reason: 'a command substitution', tools, manifests, caveats };
    if (/(^|\s)(cd|pushd)\s/.test(trimmed)) return { movable: false, reason: 'the RUN changes directory', tools, manifests, caveats };
    for (const cmd of simpleCommands(trimmed)) {
        const v = classifyCommand(cmd);
        if (v.kind === 'blocker') return { movable: false, reason: v.reason, tools, manifests, caveats };
        if (v.kind === 'install') {
            if (!tools.includes(v.tool)) tools.push(v.tool);
            if (v.manifests.required.length > 0 || v.manifests.optional.length > 0) manifests.push(v.manifests);
            if (v.caveat && !caveats.includes(v.caveat)) caveats.push(v.caveat);
        }
    }
    if (tools.length === 0) return { movable: false, reason: 'no install command', tools, manifests, caveats };
    return { movable: true, reason: null, tools, manifests, caveats };
}

/**
 * The COPY sources for a set of manifest groups: required paths as is, optional ones with `*`
 * (a wildcard that matches nothing is not an error). An optional file the analysis would take for
 * a broad source is left out, so the fixed file never gets the same diagnostic again.
 */
export function manifestSources(groups: ManifestGroup[]): string[] {
    const required: string[] = [];
    const optional: string[] = [];
    for (const g of groups) {
        for (const r of g.required) if (!required.includes(r)) required.push(r);
    }
    for (const g of groups) {
        for (const o of g.optional) if (!required.includes(o) && !optional.includes(o)) optional.push(o);
    }
    const globs = optional.map((o) => (o.includes('*') ? o : `${o}*`)).filter((o) => !isBroadSource(o));
    return [...required, ...globs];
}
