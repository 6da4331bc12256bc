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
export const HEAVY_RULES: readonly Rule[] = [
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

export const TEST_RULES: readonly RegExp[] = [
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
    // (Most scripts are one command: no split then.)
    const one = script.indexOf('&') === -1 && script.indexOf('|') === -1 && script.indexOf(';') === -1 && script.indexOf('\n') === -1;
    const parts = one ? [script] : script.split(SEPARATORS);
    const out: string[] = [];
    for (let k = 0; k < parts.length; k++) {
        let p = parts[k].trim();
        const c = p.charCodeAt(0);
        if (c === 40 /* ( */ || c === 123 /* { */) { p = p.replace(OPENING, ''); }
        for (let m = NOISE.exec(p); m !== null; m = NOISE.exec(p)) { p = p.slice(m[0].length); }
        if (p) { out.push(p); }
    }
    return out;
}
// (Hoisted: a regular expression literal is a new object on every evaluation.)
const SEPARATORS = /&&|\|\||[;|&\n]/;
const OPENING = /^[({]\s*/;
const NOISE = /^(?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+|sudo\s+(?:-\S+\s+)*|env\s+|time\s+|exec\s+|nice\s+|command\s+)/;
const BLANKS = /\s+/g;

/**
 * Rules tried in order, as ONE regular expression: `^(?:(R1)|(R2)|...)`. The alternatives are
 * tried in order at the start, so the first rule that matches wins with the match it would give
 * alone (every rule is anchored at the start, and nothing follows the alternation), in one native
 * regexp run instead of one per rule. `groups[i]`: the number of rule i's outer group.
 */
interface Combined {
    re: RegExp;
    /** The same without capturing groups: the quick "does any rule match" (no capture registers to fill). */
    any: RegExp;
    groups: number[];
}

function combine(rules: readonly RegExp[]): Combined {
    const groups: number[] = [];
    let next = 1;
    const alternatives = rules.map((re) => {
        groups.push(next);
        next += new RegExp(re.source + '|').exec('')!.length; // its own groups + the outer one
        return '(' + re.source + ')';
    });
    const re = new RegExp('^(?:' + alternatives.join('|') + ')');
    // `(` -> `(?:` is safe only without escaped parentheses and character classes (none in the rules).
    const plain = rules.every((r) => !/\\\(|\[/.test(r.source));
    const any = plain ? new RegExp('^(?:' + rules.map((r) => r.source.replace(/\((?!\?)/g, '(?:')).join('|') + ')') : re;
    return { re, any, groups };
}

/** Index of the first rule matching `cmd`, and the match; null when none does. */
function firstRule(c: Combined, cmd: string): { rule: number; text: string } | null {
    // test() first: most commands match no rule, and it builds no match array (of every rule's groups).
    if (!c.any.test(cmd)) { return null; }
    const m = c.re.exec(cmd);
    if (m === null) { return null; }
    for (let i = 0; i < c.groups.length; i++) {
        if (m[c.groups[i]] !== undefined) { return { rule: i, text: m[0] }; }
    }
    return null;
}

const HEAVY = combine(HEAVY_RULES.map((r) => r.re));
const TESTS = combine(TEST_RULES);

function heavyIn(cmd: string): HeavyMatch | null {
    const m = firstRule(HEAVY, cmd);
    if (m === null) { return null; }
    const rule = HEAVY_RULES[m.rule];
    return { kind: rule.kind, tool: rule.tool, command: m.text.replace(BLANKS, ' ').trim() };
}

function testIn(cmd: string): string | null {
    const m = firstRule(TESTS, cmd);
    return m === null ? null : m.text.replace(BLANKS, ' ').trim();
}

export function findHeavy(script: string): HeavyMatch[] {
    return findCommands(script).heavy;
}

export function findTests(script: string): string[] {
    return findCommands(script).tests;
}

/** `findHeavy` and `findTests` of one script, splitting it into simple commands once. */
export function findCommands(script: string): { heavy: HeavyMatch[]; tests: string[] } {
    const heavy: HeavyMatch[] = [];
    const tests: string[] = [];
    for (const cmd of simpleCommands(script)) {
        const h = heavyIn(cmd);
        if (h) { heavy.push(h); }
        const t = testIn(cmd);
        if (t !== null) { tests.push(t); }
    }
    return { heavy, tests };
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

/** One regular expression for "matches one of the manifest globs" (the alternatives are anchored as a group). */
const MANIFEST_RE = new RegExp('^(?:' + ALL_MANIFESTS.map((g) => globToRegExp(g).source.slice(1, -1)).join('|') + ')$', 'i');
/** Concrete names for the manifest globs: `requirements*.txt` -> `requirements.txt`. */
const MANIFEST_PROBES = ALL_MANIFESTS.map((m) => m.replace(/[*?]/g, ''));

/**
 * True when a COPY source names only dependency manifests: `package*.json`, `go.mod`,
 * `requirements.txt`, `*.csproj`, ... (a pattern that can only match such files counts too).
 */
export function isManifestPath(source: string): boolean {
    return memo(manifestMemo, source, isManifestPathUncached);
}

/**
 * Memoised per source text: Dockerfiles repeat the same few sources (`.`, `go.mod`, `package*.json`),
 * and the answers take a dozen regular expressions. Bounded: cleared when it grows past 512 names.
 */
const manifestMemo = new Map<string, boolean>();
const broadMemo = new Map<string, boolean>();

function memo(cache: Map<string, boolean>, key: string, compute: (key: string) => boolean): boolean {
    let v = cache.get(key);
    if (v === undefined) {
        if (cache.size >= 512) { cache.clear(); }
        v = compute(key);
        cache.set(key, v);
    }
    return v;
}

function isManifestPathUncached(source: string): boolean {
    const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
    if (base === '' || base === '.' || base === '*') { return false; }
    if (MANIFEST_RE.test(base)) { return true; }
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
    return memo(broadMemo, source, isBroadSourceUncached);
}

function isBroadSourceUncached(source: string): boolean {
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
