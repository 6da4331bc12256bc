/**
 * A plan as text: a POSIX shell script, JSON, a GitHub Actions steps list, a GitLab CI job.
 * Pure. Every value taken from the Dockerfile or the options is quoted for the shell; YAML
 * strings are written as JSON strings (valid YAML double-quoted scalars) or block scalars.
 */
import type { Plan, PlanStage } from './plan';

export type PlanFormat = 'shell' | 'json' | 'github' | 'gitlab';
export const FORMATS: readonly PlanFormat[] = ['shell', 'json', 'github', 'gitlab'];

/** Quote one word for a POSIX shell. */
export function shQuote(word: string): string {
    if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) { return word; }
    return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shCommand(argv: readonly string[], env: Record<string, string> = {}, docker = 'docker'): string {
    const envPart = Object.entries(env).map(([k, v]) => `${k}=${shQuote(v)} `).join('');
    return envPart + [docker, ...argv].map(shQuote).join(' ');
}

/** A heredoc delimiter that does not occur as a line of `content`. */
function delimiter(content: string): string {
    const lines = new Set(content.split(/\r?\n/));
    let d = 'STAGECRAFT_EOF';
    while (lines.has(d)) { d += '_'; }
    return d;
}

function dirOf(path: string): string {
    const i = path.lastIndexOf('/');
    return i > 0 ? path.slice(0, i) : '.';
}

/** Shell lines that write the derived Dockerfiles. */
function fileLines(plan: Plan): string[] {
    const out: string[] = [];
    for (const f of plan.files) {
        const d = delimiter(f.content);
        out.push(`mkdir -p ${shQuote(dirOf(f.path))}`);
        out.push(`cat > ${shQuote(f.path)} <<'${d}'`, ...f.content.replace(/\n$/, '').split('\n'), d);
    }
    return out;
}

function setupLines(plan: Plan): string[] {
    if (plan.tarball === null) { return []; }
    const t = shQuote(plan.tarball);
    return [
        `if [ -f ${t} ]; then docker load -i ${t}; else echo ${shQuote(`stagecraft: no saved cache at ${plan.tarball} yet (first run?); building without it`)} >&2; fi`,
    ];
}

function teardownLines(plan: Plan): string[] {
    if (plan.tarball === null) { return []; }
    const t = plan.tarball;
    return [
        `mkdir -p ${shQuote(dirOf(t))}`,
        ...plan.teardown.map((c) => shCommand(c.argv, c.env)),
        `mv -f ${shQuote(t + '.tmp')} ${shQuote(t)}`,
    ];
}

/** POSIX shell: `$suffix` = `--<branch>` on a branch other than the default (from the CI's variables), else empty. */
const BRANCH_SUFFIX = [
    `slug() { printf '%s' "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9_.-][^a-z0-9_.-]*/-/g; s/^[.-]*//; s/-*$//' | cut -c1-40; }`,
    'suffix=',
    'if [ -n "${STAGECRAFT_BRANCH:-}" ] && [ "$STAGECRAFT_BRANCH" != "${STAGECRAFT_DEFAULT_BRANCH:-main}" ]; then suffix="--$(slug "$STAGECRAFT_BRANCH")"; fi',
];

/**
 * buildx: the one build of the target, as shell lines. Only the cache refs that exist are passed
 * (`docker buildx imagetools inspect`), so a first run prints no "not found" error block.
 * `ciBranch` (the plan was made for the default branch): the branch comes from the CI at run time
 * (`$STAGECRAFT_BRANCH` against `$STAGECRAFT_DEFAULT_BRANCH`); another branch writes
 * `<tag>--<branch>` and reads its own cache first, then the default branch's.
 */
function buildxLines(plan: Plan, ciBranch: boolean): string[] {
    const bx = plan.buildx;
    const s = plan.stages[plan.stages.length - 1];
    if (bx === null) { return [shCommand(s.argv, s.env)]; }
    const out: string[] = [];
    const branchy = ciBranch && bx.type === 'registry';
    if (branchy) { out.push(...BRANCH_SUFFIX); }
    const words: string[] = [];
    for (let i = 0; i < s.argv.length; i++) {
        const a = s.argv[i];
        if (a === '--cache-from' && bx.type === 'registry') { i++; continue; }
        if (branchy && s.argv[i - 1] === '-t' && a === s.ref) { words.push(`"${a}$suffix"`); continue; }
        if (branchy && s.argv[i - 1] === '--cache-to' && bx.writes !== null) { words.push(`"${a.replace(`ref=${bx.writes},`, `ref=${bx.writes}$suffix,`)}"`); continue; }
        if (i === s.argv.length - 1 && bx.type === 'registry') { words.push('"$@"'); }
        words.push(shQuote(a));
    }
    if (bx.type === 'registry') {
        out.push(branchy
            ? `refs="${bx.candidates.map((r) => `${r}$suffix`).join(' ')}"; [ -z "$suffix" ] || refs="$refs ${bx.candidates.join(' ')}"`
            : `refs=${shQuote(bx.candidates.join(' '))}`);
        out.push(
            'set --',
            'for ref in $refs; do',
            '  if docker buildx imagetools inspect "$ref" >/dev/null 2>&1; then set -- "$@" --cache-from "type=registry,ref=$ref"',
            '  else echo "stagecraft: no cache at $ref yet (first run or new branch); building without it" >&2; fi',
            'done',
        );
    }
    out.push(['docker', ...words].join(' '));
    if (bx.localDir !== null && bx.writes !== null) {
        // buildx adds to a local cache directory forever: the new cache replaces the old one.
        out.push(`rm -rf ${shQuote(bx.localDir)} && mv ${shQuote(bx.localDir + '.new')} ${shQuote(bx.localDir)}`);
    }
    return out;
}

function stageLines(s: PlanStage): string[] {
    const out: string[] = [];
    if (s.pull.length > 0) {
        const tries = s.pull.map((r) => `docker pull -q ${shQuote(r)} 2>/dev/null`);
        const notice = `stagecraft: no cache image for stage ${s.label} yet (first run, new branch or registry down); building without it`;
        out.push(`${tries.join(' || ')} || echo ${shQuote(notice)} >&2`);
    }
    out.push(shCommand(s.argv, s.env));
    for (const r of s.push) { out.push(shCommand(['push', r])); }
    return out;
}

function title(plan: Plan, s: PlanStage): string {
    return `[${s.step}/${plan.stages.length}] ${s.label}`;
}

function headerComment(plan: Plan): string[] {
    const lines = [
        `stagecraft plan: target ${plan.target.label}, backend ${plan.backend}, cache ${plan.cacheRepo}${plan.local ? ' (local)' : ''}` + (plan.branch ? `, branch ${plan.branch}` : ''),
        `build order: ${plan.stages.map((s) => s.label).join(' -> ')}`,
        `parallel groups: ${plan.groups.map((g) => g.map((i) => plan.stages.find((s) => s.index === i)?.label).join(' + ')).join(' | ')}`,
    ];
    if (plan.skipped.length > 0) { lines.push(`not needed by the target, never built: ${plan.skipped.map((s) => s.label).join(', ')}`); }
    for (const n of plan.notes) { lines.push(`note: ${n}`); }
    return lines.map((l) => `# ${l.replace(/[\r\n]+/g, ' ')}`);
}

function oneBuildTitle(plan: Plan): string {
    return `${plan.target.label}: one build of every stage it needs (${plan.stages.map((s) => s.label).join(', ')}), the cache of every stage in one export`;
}

export function toShell(plan: Plan): string {
    const out = ['#!/bin/sh', ...headerComment(plan), 'set -eu', ''];
    const files = fileLines(plan);
    if (files.length > 0) { out.push('# derived Dockerfiles (unneeded stages stubbed, unnamed stages named; same line numbers)', ...files, ''); }
    if (plan.buildx !== null) {
        out.push(`# ${oneBuildTitle(plan)}`.replace(/[\r\n]+/g, ' '), ...buildxLines(plan, false));
        return out.join('\n').replace(/\n*$/, '\n');
    }
    const setup = setupLines(plan);
    if (setup.length > 0) { out.push(...setup, ''); }
    for (const s of plan.stages) {
        out.push(`# ${title(plan, s)} (line ${s.line}, group ${s.group})`.replace(/[\r\n]+/g, ' '), ...stageLines(s), '');
    }
    out.push(...teardownLines(plan));
    return out.join('\n').replace(/\n*$/, '\n');
}

export function toJsonText(plan: Plan): string {
    return JSON.stringify(plan, null, 2) + '\n';
}

const ys = (s: string) => JSON.stringify(s);

function block(lines: string[], indent: string): string[] {
    return lines.map((l) => (l === '' ? '' : indent + l));
}

/** GitHub Actions, buildx: set up buildx (a docker-container builder, which exports cache), one build. */
function githubBuildx(plan: Plan, out: string[]): string {
    const bx = plan.buildx as NonNullable<Plan['buildx']>;
    out.push('# A GitHub Actions steps list: paste under jobs.<job>.steps, after actions/checkout.');
    if (!plan.local || plan.stages.some((s) => s.push.length > 0)) { out.push('# Log in to the registry first if it needs credentials (docker/login-action).'); }
    const step = (name: string, fields: string[]) => { out.push(`- name: ${ys(name)}`, ...fields); };
    step('stagecraft: set up buildx', ['  uses: docker/setup-buildx-action@v3']);
    if (bx.type === 'gha') { step('stagecraft: expose the GitHub cache to buildx', ['  uses: crazy-max/ghaction-github-runtime@v3']); }
    if (bx.localDir !== null) {
        step('stagecraft: restore the buildx cache', [
            '  uses: actions/cache@v4', '  with:', `    path: ${ys(bx.localDir)}`,
            `    key: ${ys('stagecraft-buildx-${{ runner.os }}-${{ github.sha }}')}`,
            '    restore-keys: |', '      stagecraft-buildx-${{ runner.os }}-',
        ]);
    }
    const files = fileLines(plan);
    if (files.length > 0) { step('stagecraft: prepare', ['  shell: bash', '  run: |', ...block(['set -eu', ...files], '    ')]); }
    step(`stagecraft: build ${plan.target.label}`, [
        '  shell: bash',
        '  env:',
        `    STAGECRAFT_BRANCH: ${ys('${{ github.head_ref || github.ref_name }}')}`,
        `    STAGECRAFT_DEFAULT_BRANCH: ${ys('${{ github.event.repository.default_branch }}')}`,
        '  run: |',
        ...block([`# ${oneBuildTitle(plan)}`, 'set -eu', ...buildxLines(plan, true)], '    '),
    ]);
    return out.join('\n') + '\n';
}

export function toGithub(plan: Plan): string {
    const out = headerComment(plan);
    if (plan.buildx !== null) { return githubBuildx(plan, out); }
    out.push('# A GitHub Actions steps list: paste under jobs.<job>.steps, after actions/checkout.');
    if (!plan.local && plan.backend !== 'buildx') {
        out.push('# Log in to the cache registry first if it needs credentials (docker/login-action).');
    }
    const step = (name: string, fields: string[]) => { out.push(`- name: ${ys(name)}`, ...fields); };
    if (plan.tarball !== null) {
        step('stagecraft: restore the saved stage images', [
            '  uses: actions/cache@v4', '  with:',
            `    path: ${ys(dirOf(plan.tarball))}`,
            `    key: ${ys('stagecraft-${{ runner.os }}-${{ github.ref_name }}-${{ github.sha }}')}`,
            '    restore-keys: |',
            '      stagecraft-${{ runner.os }}-${{ github.ref_name }}-',
            '      stagecraft-${{ runner.os }}-',
        ]);
    }
    if (plan.backend === 'buildx') {
        step('stagecraft: set up buildx', ['  uses: docker/setup-buildx-action@v3']);
        if (plan.stages.some((s) => s.cacheFrom.some((c) => c.startsWith('type=gha')))) {
            step('stagecraft: expose the GitHub cache to buildx', ['  uses: crazy-max/ghaction-github-runtime@v3']);
        }
    }
    const pre = [...fileLines(plan), ...setupLines(plan)];
    if (pre.length > 0) { step('stagecraft: prepare', ['  shell: bash', '  run: |', ...block(['set -eu', ...pre], '    ')]); }
    for (const s of plan.stages) {
        const env = Object.entries(s.env);
        step(`stagecraft: ${title(plan, s)}`, [
            '  shell: bash',
            ...(env.length > 0 ? ['  env:', ...env.map(([k, v]) => `    ${k}: ${ys(v)}`)] : []),
            '  run: |',
            ...block(['set -eu', ...stageLines(s).map((l) => l.replace(/^DOCKER_BUILDKIT=[01] /, ''))], '    '),
        ]);
    }
    const post = teardownLines(plan);
    if (post.length > 0) { step('stagecraft: save the stage images', ['  shell: bash', '  run: |', ...block(['set -eu', ...post], '    ')]); }
    return out.join('\n') + '\n';
}

const GITLAB_DOCKER = 'docker:27';

/** GitLab CI, buildx: docker-in-docker, a docker-container builder (dind's docker driver exports no cache), one build. */
function gitlabBuildx(plan: Plan, out: string[]): string {
    const bx = plan.buildx as NonNullable<Plan['buildx']>;
    out.push('# A GitLab CI job (docker-in-docker with buildx). Log in to the registry in before_script if needed',
        '# (GitLab\'s own: docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY").');
    out.push('stagecraft-build:', `  image: ${GITLAB_DOCKER}`, '  services:', `    - ${GITLAB_DOCKER}-dind`, '  variables:',
        '    DOCKER_HOST: "tcp://docker:2375"', '    DOCKER_TLS_CERTDIR: ""',
        '    STAGECRAFT_BRANCH: "$CI_COMMIT_REF_NAME"', '    STAGECRAFT_DEFAULT_BRANCH: "$CI_DEFAULT_BRANCH"');
    if (bx.localDir !== null) { out.push('  cache:', '    key: "stagecraft-buildx-$CI_COMMIT_REF_SLUG"', '    paths:', `      - ${ys(bx.localDir)}`); }
    out.push('  before_script:', `    - ${ys('docker buildx create --use --driver docker-container')}`);
    out.push('  script:');
    const files = fileLines(plan);
    if (files.length > 0) { out.push('    - |', ...block(files, '      ')); }
    out.push(`    # ${oneBuildTitle(plan)}`.replace(/[\r\n]+/g, ' '), '    - |', ...block(['set -eu', ...buildxLines(plan, true)], '      '));
    return out.join('\n') + '\n';
}

export function toGitlab(plan: Plan): string {
    const out = headerComment(plan);
    if (plan.buildx !== null) { return gitlabBuildx(plan, out); }
    out.push('# A GitLab CI job (docker-in-docker). Log in to the registry in before_script if needed.');
    out.push('stagecraft-build:', `  image: ${GITLAB_DOCKER}`, '  services:', `    - ${GITLAB_DOCKER}-dind`, '  variables:', '    DOCKER_HOST: "tcp://docker:2375"', '    DOCKER_TLS_CERTDIR: ""');
    if (plan.tarball !== null) {
        out.push('  cache:', '    key: "stagecraft-$CI_COMMIT_REF_SLUG"', '    paths:', `      - ${ys(dirOf(plan.tarball))}`);
    }
    out.push('  script:');
    const files = fileLines(plan);
    if (files.length > 0) { out.push('    - |', ...block(files, '      ')); }
    for (const l of setupLines(plan)) { out.push(`    - ${ys(l)}`); }
    for (const s of plan.stages) {
        out.push(`    # ${title(plan, s)}`.replace(/[\r\n]+/g, ' '));
        for (const l of stageLines(s)) { out.push(`    - ${ys(l)}`); }
    }
    for (const l of teardownLines(plan)) { out.push(`    - ${ys(l)}`); }
    return out.join('\n') + '\n';
}

export function formatPlan(plan: Plan, format: PlanFormat): string {
    switch (format) {
        case 'shell': return toShell(plan);
        case 'json': return toJsonText(plan);
        case 'github': return toGithub(plan);
        case 'gitlab': return toGitlab(plan);
    }
}
