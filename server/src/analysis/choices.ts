/**
 * The stages a FROM can pick when its image is named through variables: `FROM binaries-$TARGETOS`
 * picks `binaries-linux` on Linux and `binaries-darwin` on macOS; `FROM runtime-${BUILD_PLATFORM}`
 * picks one per value of that build arg. The analysis resolves one choice (its platform, the ARG
 * defaults); the patterns count every stage some build would pick, so a platform alias is an alias.
 * Pure.
 */

/** The values the automatic platform ARGs take on the platforms BuildKit builds for. */
const OS = ['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'illumos', 'solaris', 'aix'];
const ARCH = ['amd64', 'arm64', 'arm', '386', 'ppc64le', 'ppc64', 's390x', 'riscv64', 'mips64le', 'mips64', 'mipsle', 'mips', 'loong64', 'wasm'];
const VARIANT = ['', 'v5', 'v6', 'v7', 'v8'];
const PLATFORM_VALUES: Record<string, string[]> = {
    TARGETOS: OS, BUILDOS: OS, TARGETARCH: ARCH, BUILDARCH: ARCH, TARGETVARIANT: VARIANT, BUILDVARIANT: VARIANT,
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * A regular expression for the stage names an image text can name, or null when it has no
 * variable or nothing but variables (`FROM ${BASE_IMAGE}` names an image, not a family of stages).
 * `defaults`: the global ARGs' default values.
 */
export function choicePattern(image: string, defaults: ReadonlyMap<string, string | null>): RegExp | null {
    if (!image.includes('$')) { return null; }
    // Stage names have no `/` or `:`; a text of variables only names an image.
    const literal = image.replace(VARIABLE, '');
    if (literal.replace(/[-_.]/g, '') === '' || /[/:@]/.test(literal)) { return null; }
    let source = '';
    let last = 0;
    VARIABLE.lastIndex = 0;
    for (let m = VARIABLE.exec(image); m !== null; m = VARIABLE.exec(image)) {
        source += escape(image.slice(last, m.index));
        last = m.index + m[0].length;
        const name = m[1] ?? m[4];
        const op = m[2];
        const word = m[3] ?? '';
        if (op === ':+' || op === '+') {
            source += `(?:|${escape(word)})`;
        } else {
            source += valuesOf(name, defaults, op === ':-' || op === '-' ? word : null);
        }
    }
    source += escape(image.slice(last));
    return new RegExp(`^${source}$`, 'i');
}

function valuesOf(name: string, defaults: ReadonlyMap<string, string | null>, fallback: string | null): string {
    const platform = PLATFORM_VALUES[name];
    if (platform) { return `(?:${platform.map(escape).join('|')})`; }
    const known = [defaults.get(name), fallback].filter((v): v is string => typeof v === 'string' && !v.includes('$')).map(escape);
    return `(?:${[...known, '[A-Za-z0-9_.]+'].join('|')})`;
}
