/**
 * What a RUN command does, by recognising the commands people put in Dockerfiles: heavy steps
 * (dependency installs, downloads, toolchains) and test runs. Also which files a package manager
 * needs to install (its manifests). Pure tables and regular expressions; never throws.
 */
import type { HeavyKind } from './model';

export interface HeavyMatch {
    kind: HeavyKind;
    tool: string;
    command: string;
}

interface Rule {
    kind: HeavyKind;
    tool: string;
    /** Matched against one simple command (env assignments and sudo removed), at its start. */
    re: RegExp;
}

// Order matters: the first rule that matches a simple command wins.
const HEAVY_RULES: Rule[] = [
    { kind: 'system-packages', tool: 'apt-get', re: /^(apt-get|apt)\s+(?:-\S+\s+)*(install|dist-upgrade|upgrade|build-dep)\b/ },
    { kind: 'system-packages', tool: 'apk', re: /^apk\s+(?:-\S+\s+)*(add|upgrade)\b/ },
    { kind: 'system-packages', tool: 'dnf', re: /^(dnf|microdnf|yum|zypper|tdnf)\s+(?:-\S+\s+)*(install|in|groupinstall|upgrade|update)\b/ },
    { kind: 'system-packages', tool: 'pacman', re: /^pacman\s+(-S\S*)/ },
    { kind: 'dependencies', tool: 'npm', re: /^npm\s+(?:-\S+\s+)*(ci|install|i|add)\b/ },
    { kind: 'dependencies', tool: 'yarn', re: /^yarn(?:\s+(?:-\S+\s+)*(install|add)\b|\s*$|\s+--(frozen-lockfile|immutable|production)\b)/ },
    { kind: 'dependencies', tool: 'pnpm', re: /^pnpm\s+(?:-\S+\s+)*(install|i|fetch|add)\b/ },
    { kind: 'dependencies', tool: 'bun', re: /^bun\s+(install|i)\b/ },
    { kind: 'dependencies', tool: 'pip', re: /^(?:python\d?(?:\.\d+)?\s+-m\s+)?pip\d?(?:\.\d+)?\s+(?:-\S+\s+)*(install|download|wheel)\b/ },
    { kind: 'dependencies', tool: 'uv', re: /^uv\s+(sync|pip\s+install|pip\s+sync)\b/ },
    { kind: 'dependencies', tool: 'poetry', re: /^poetry\s+install\b/ },
    { kind: 'dependencies', tool: 'pipenv', re: /^pipenv\s+(install|sync)\b/ },
    { kind: 'dependencies', tool: 'conda', re: /^(conda|mamba|micromamba)\s+(install|create|env\s+create)\b/ },
    { kind: 'dependencies', tool: 'go', re: /^go\s+mod\s+(download|vendor)\b/ },
    { kind: 'dependencies', tool: 'cargo', re: /^cargo\s+(fetch|build|chef\s+cook|vendor)\b/ },
    { kind: 'dependencies', tool: 'bundle', re: /^bundle(?:r)?\s+(install|package)\b|^bundle\s*$/ },
    { kind: 'dependencies', tool: 'gem', re: /^gem\s+install\b/ },
    { kind: 'dependencies', tool: 'composer', re: /^composer(?:\.phar)?\s+(install|update)\b/ },
    { kind: 'dependencies', tool: 'mvn', re: /^(mvn|\.\/mvnw|mvnw)\s+(?:\S+\s+)*?(dependency:\S+|de\.qaware\S*:go-offline|install|package|verify)\b/ },
    { kind: 'dependencies', tool: 'gradle', re: /^(gradle|\.\/gradlew|gradlew)\s+(?:\S+\s+)*?(dependencies|build|assemble|resolveDependencies|downloadDependencies)\b/ },
    { kind: 'dependencies', tool: 'dotnet', re: /^dotnet\s+restore\b/ },
    { kind: 'dependencies', tool: 'mix', re: /^mix\s+(deps\.get|deps\.compile)\b/ },
    { kind: 'dependencies', tool: 'nuget', re: /^nuget\s+restore\b/ },
    { kind: 'toolchain', tool: 'rustup', re: /^rustup\s+(toolchain\s+install|target\s+add|component\s+add|install)\b/ },
    { kind: 'toolchain', tool: 'go', re: /^go\s+install\b/ },
    { kind: 'toolchain', tool: 'cargo', re: /^cargo\s+install\b/ },
    { kind: 'toolchain', tool: 'configure', re: /^\.\/configure\b/ },
    { kind: 'toolchain', tool: 'make', re: /^make\s+(?:\S+\s+)*?install\b/ },
    { kind: 'download', tool: 'curl', re: /^curl\b/ },
    { kind: 'download', tool: 'wget', re: /^wget\b/ },
    { kind: 'download', tool: 'git', re: /^git\s+clone\b/ },
];

const TEST_RULES: RegExp[] = [
    /^go\s+test\b/,
    /^(npm|pnpm|bun)\s+(run\s+)?test\b/,
    /^yarn\s+(run\s+)?test\b/,
    /^(npx\s+)?(jest|vitest|mocha)\b/,
    /^(python\d?(\.\d+)?\s+-m\s+)?(pytest|py\.test|unittest|tox|nox)\b/,
    /^cargo\s+(test|nextest)\b/,
    /^dotnet\s+test\b/,
    /^(mvn|\.\/mvnw|mvnw)\s+(?:\S+\s+)*?(test|verify)\b/,
    /^(gradle|\.\/gradlew|gradlew)\s+(?:\S+\s+)*?(test|check)\b/,
    /^make\s+(?:\S+\s+)*?(test|check)\b/,
    /^(bundle\s+exec\s+)?(rspec|rake\s+test)\b/,
    /^(vendor\/bin\/)?phpunit\b/,
    /^mix\s+test\b/,
    /^deno\s+test\b/,
    /^ctest\b/,
];

/**
 * Split a shell command into simple commands at `&&`, `||`, `;`, `|`, `&` and newlines, then drop
 * leading `VAR=value` assignments, `sudo`, `env`, `time`, `exec`, `set -x`-style noise, and
 * `--mount`-free prefixes such as `(`.
 */
export function simpleCommands(script: string): string[] {
    const parts = script.split(/&&|\|\||[;|&\n]/);
    const out: string[] = [];
    for (let p of parts) {
        p = p.trim().replace(/^[({]\s*/, '');
        let changed = true;
        while (changed) {
            changed = false;
            const m = /^(?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+|sudo\s+(?:-\S+\s+)*|env\s+|time\s+|exec\s+|nice\s+|command\s+)/.exec(p);
            if (m) { p = p.slice(m[0].length); changed = true; }
        }
        if (p) { out.push(p); }
    }
    return out;
}

export function findHeavy(script: string): HeavyMatch[] {
    const found: HeavyMatch[] = [];
    for (const cmd of simpleCommands(script)) {
        for (const rule of HEAVY_RULES) {
            const m = rule.re.exec(cmd);
            if (m) {
                found.push({ kind: rule.kind, tool: rule.tool, command: m[0].replace(/\s+/g, ' ').trim() });
                break;
            }
        }
    }
    return found;
}

export function findTests(script: string): string[] {
    const found: string[] = [];
    for (const cmd of simpleCommands(script)) {
        for (const re of TEST_RULES) {
            const m = re.exec(cmd);
            if (m) { found.push(m[0].replace(/\s+/g, ' ').trim()); break; }
        }
    }
    return found;
}

/** The files each package manager reads to install dependencies (globs on the base name). */
export const MANIFESTS: Record<string, string[]> = {
    npm: ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc'],
    yarn: ['package.json', 'yarn.lock', '.yarnrc', '.yarnrc.yml', '.pnp.cjs'],
    pnpm: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc'],
    bun: ['package.json', 'bun.lockb', 'bun.lock'],
    pip: ['requirements*.txt', 'constraints*.txt', 'pyproject.toml', 'setup.cfg', 'setup.py'],
    uv: ['pyproject.toml', 'uv.lock'],
    poetry: ['pyproject.toml', 'poetry.lock'],
    pipenv: ['Pipfile', 'Pipfile.lock'],
    conda: ['environment.yml', 'environment.yaml', 'conda-lock.yml'],
    go: ['go.mod', 'go.sum', 'go.work', 'go.work.sum'],
    cargo: ['Cargo.toml', 'Cargo.lock', 'rust-toolchain', 'rust-toolchain.toml', 'recipe.json'],
    bundle: ['Gemfile', 'Gemfile.lock', '*.gemspec'],
    gem: ['Gemfile', 'Gemfile.lock', '*.gemspec'],
    composer: ['composer.json', 'composer.lock'],
    mvn: ['pom.xml', '.mvn', 'mvnw'],
    gradle: ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradle.properties', 'gradle', 'gradlew'],
    dotnet: ['*.csproj', '*.fsproj', '*.vbproj', '*.sln', 'nuget.config', 'NuGet.Config', 'Directory.Build.props', 'Directory.Packages.props', 'global.json'],
    nuget: ['packages.config', 'nuget.config', '*.csproj'],
    mix: ['mix.exs', 'mix.lock'],
};

const ALL_MANIFESTS = [...new Set(Object.values(MANIFESTS).flat())];

function globToRegExp(glob: string): RegExp {
    return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
}

const MANIFEST_RES = ALL_MANIFESTS.map(globToRegExp);
/** Concrete names for the manifest globs: `requirements*.txt` -> `requirements.txt`. */
const MANIFEST_PROBES = ALL_MANIFESTS.map((m) => m.replace(/[*?]/g, ''));

/**
 * True when a COPY source names only dependency manifests: `package*.json`, `go.mod`,
 * `requirements.txt`, `*.csproj`, ... (a pattern that can only match such files counts too).
 */
export function isManifestPath(source: string): boolean {
    const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
    if (base === '' || base === '.' || base === '*') { return false; }
    if (MANIFEST_RES.some((re) => re.test(base))) { return true; }
    // A glob such as `package*.json`, `requirements*.txt` or `.npmrc*` that matches a manifest and
    // starts with enough of its name that it cannot also take the sources.
    if (/[*?]/.test(base)) {
        const prefix = base.slice(0, base.search(/[*?]/));
        const probe = globToRegExp(base);
        return prefix.replace(/^\./, '').length >= 2 && MANIFEST_PROBES.some((m) => probe.test(m));
    }
    return false;
}

/**
 * True when a COPY/ADD source takes the whole build context or a directory of it, so that any
 * source change invalidates it: `.`, `./`, `*`, `/`, `src/`, `src` (no extension, not a known
 * file name).
 */
export function isBroadSource(source: string): boolean {
    const s = source.trim();
    if (s === '' || s.startsWith('<<')) { return false; }
    if (/^(\.|\.\/|\*|\.\/\*|\/|\.\.?\/?\*?)$/.test(s)) { return true; }
    if (isManifestPath(s)) { return false; }
    if (s.endsWith('/')) { return true; }
    const base = s.split('/').pop() ?? s;
    if (base.includes('*')) { return !/\.[A-Za-z0-9]+$/.test(base); }
    // No extension and not a well-known extension-less file name: most likely a directory.
    if (!base.includes('.') && !/^(Makefile|Dockerfile|Containerfile|LICENSE|README|Procfile|Gemfile|Pipfile|Rakefile|VERSION)$/i.test(base)) {
        return true;
    }
    return false;
}
