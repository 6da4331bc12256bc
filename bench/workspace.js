'use strict';
/**
 * Stages across the workspace: the REAL language server on a generated workspace of 500 files,
 * 50 of them compose and Bake files (25 `compose.yaml`, 25 `docker-bake.hcl`), each building
 * stages of its service's Dockerfile and the `app` stage of the root Dockerfile (so `app` has 50
 * build references in 50 files), next to 50 service Dockerfiles and ~400 other files.
 *
 * Measured through LSP, against a baseline measured in the same run: the same server on the same
 * workspace WITHOUT the compose and Bake files (references stay inside the Dockerfile). Requests
 * to the two servers are interleaved, round after round, so the machine's noise hits both alike;
 * figures are medians (p95 beside them).
 * - references of `app` in the root Dockerfile (target: under 50 ms);
 * - rename of `app` (the workspace edit over 51 files);
 * - references from a compose file's target (its Dockerfile read from disk, cached);
 * - a compose file changed on disk -> the references answer has the change (watched file, one parse);
 * - the first scan: server start to the first answer with all 50 files (median of 3 starts).
 *
 * Usage: node bench/workspace.js [--quick] [--json FILE]   (after `npx tsc -b`)
 * Exits non-zero when the benchmark breaks (wrong answers, a server dies), never on a missed
 * target (printed as MISSED).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { LspClient, fileUri, DEFAULT_CAPABILITIES } = require(path.join(__dirname, '..', 'out', 'test', 'protocol', 'lspClient'));

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const jsonArg = argv.indexOf('--json');
const JSON_OUT = jsonArg >= 0 ? argv[jsonArg + 1] : null;
const ROUNDS = quick ? 15 : 60;
const STARTS = 3;
const BUILD_FILES = 50;
const TOTAL_FILES = 500;
const TARGET_MS = 50;

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const med = (xs) => pct(xs, 50);
const now = () => performance.now();
const f2 = (x) => x.toFixed(2);

const ROOT_DOCKERFILE = [
    'FROM node:20-bookworm AS base', 'WORKDIR /app', '',
    'FROM base AS deps', 'COPY package.json package-lock.json ./', 'RUN npm ci', '',
    'FROM deps AS build', 'COPY . .', 'RUN npm run build', '',
    'FROM build AS test', 'RUN npm test', '',
    'FROM node:20-slim AS app', 'COPY --from=build /app/dist /app', 'CMD ["node", "/app"]', '',
].join('\n');
const APP_LINE = 14; // `FROM node:20-slim AS app`
const APP_CHAR = 'FROM node:20-slim AS '.length + 1;

function serviceDockerfile(i) {
    return [`FROM golang:1.22 AS base${i}`, '', `FROM base${i} AS build`, 'COPY . .', 'RUN go build -o /out/svc .', '',
        'FROM build AS test', 'RUN go test ./...', '', 'FROM build AS lint', 'RUN go vet ./...', '',
        'FROM gcr.io/distroless/static AS runtime', 'COPY --from=build /out/svc /svc', ''].join('\n');
}
function compose(i) {
    return `services:\n  svc${i}:\n    build:\n      context: .\n      target: runtime\n  svc${i}-test:\n    build:\n      context: .\n      target: test\n  web${i}:\n    build:\n      context: ..\n      dockerfile: Dockerfile\n      target: app\n  db:\n    image: postgres:16\n`;
}
function bake(i) {
    return `group "default" {\n  targets = ["svc${i}", "lint${i}", "web${i}"]\n}\n\ntarget "_common" {\n  context = "."\n}\n\ntarget "svc${i}" {\n  inherits = ["_common"]\n  target = "runtime"\n  tags = ["example/svc${i}:latest"]\n}\n\ntarget "lint${i}" {\n  inherits = ["_common"]\n  target = "lint"\n}\n\ntarget "web${i}" {\n  context = ".."\n  target = "app"\n}\n`;
}

/** The workspace; `withBuildFiles` false: the same files minus the compose and Bake files (the baseline). */
function makeWorkspace(withBuildFiles) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), withBuildFiles ? 'stagecraft-bench-ws-' : 'stagecraft-bench-base-'));
    let files = 0;
    const write = (p, text) => { fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true }); fs.writeFileSync(path.join(dir, p), text); files++; };
    write('Dockerfile', ROOT_DOCKERFILE);
    for (let i = 0; i < BUILD_FILES; i++) {
        write(`svc${i}/Dockerfile`, serviceDockerfile(i));
        if (withBuildFiles) write(i % 2 === 0 ? `svc${i}/compose.yaml` : `svc${i}/docker-bake.hcl`, i % 2 === 0 ? compose(i) : bake(i));
    }
    const fillers = TOTAL_FILES - files - (withBuildFiles ? 0 : BUILD_FILES);
    for (let k = 0; k < fillers; k++) {
        const svc = k % BUILD_FILES;
        write(`svc${svc}/src/file${k}.${k % 3 === 0 ? 'md' : 'go'}`, `// file ${k}\npackage main\n\nfunc f${k}() int { return ${k} }\n`);
    }
    return { dir, files: files + (withBuildFiles ? 0 : BUILD_FILES) };
}

const CAPS = { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } };

async function startOn(dir) {
    const c = await LspClient.start({ workspaceFolders: [dir], capabilities: CAPS, initializationOptions: { otherDockerExtension: true } });
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    await c.open(uri, ROOT_DOCKERFILE);
    return { c, uri };
}

const refsOf = (c, uri, line, character) => c.request('textDocument/references', { textDocument: { uri }, position: { line, character }, context: { includeDeclaration: true } });

async function untilFiles(c, uri, files, what) {
    const end = Date.now() + 60000;
    for (;;) {
        const refs = await refsOf(c, uri, APP_LINE, APP_CHAR);
        if (new Set(refs.map((l) => l.uri)).size >= files) return refs;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${new Set(refs.map((l) => l.uri)).size} files`);
        await new Promise((r) => setTimeout(r, 5));
    }
}

async function main() {
    const ws = makeWorkspace(true);
    const base = makeWorkspace(false);
    const problems = [];
    const result = { files: ws.files, buildFiles: BUILD_FILES, rounds: ROUNDS };
    try {
        // The first scan: server start to an answer with all 51 files (Dockerfile + 50), median of 3 starts.
        const scans = [];
        for (let s = 0; s < STARTS; s++) {
            const t0 = now();
            const { c, uri } = await startOn(ws.dir);
            await untilFiles(c, uri, BUILD_FILES + 1, 'the first scan');
            scans.push(now() - t0);
            await c.stop();
        }
        const baseStarts = [];
        for (let s = 0; s < STARTS; s++) {
            const t0 = now();
            const { c, uri } = await startOn(base.dir);
            await refsOf(c, uri, APP_LINE, APP_CHAR);
            baseStarts.push(now() - t0);
            await c.stop();
        }
        result.firstScan = { ms: med(scans), baselineStartMs: med(baseStarts) };

        const ours = await startOn(ws.dir);
        const bare = await startOn(base.dir);
        try {
            const refs = await untilFiles(ours.c, ours.uri, BUILD_FILES + 1, 'the scan');
            if (refs.length !== 1 + BUILD_FILES) problems.push(`references of app: ${refs.length} locations, expected ${1 + BUILD_FILES}`);
            const bareRefs = await refsOf(bare.c, bare.uri, APP_LINE, APP_CHAR);
            if (bareRefs.length !== 1) problems.push(`baseline references of app: ${bareRefs.length} locations, expected 1`);
            const composeUri = fileUri(path.join(ws.dir, 'svc0', 'compose.yaml'));
            const t = { refs: [], baseRefs: [], rename: [], baseRename: [], fromCompose: [] };
            for (let i = 0; i < ROUNDS + 3; i++) {
                let t0 = now(); await refsOf(ours.c, ours.uri, APP_LINE, APP_CHAR); const a = now() - t0;
                t0 = now(); await refsOf(bare.c, bare.uri, APP_LINE, APP_CHAR); const b = now() - t0;
                t0 = now(); const edit = await ours.c.request('textDocument/rename', { textDocument: { uri: ours.uri }, position: { line: APP_LINE, character: APP_CHAR }, newName: 'runtime-app' }); const r = now() - t0;
                t0 = now(); await bare.c.request('textDocument/rename', { textDocument: { uri: bare.uri }, position: { line: APP_LINE, character: APP_CHAR }, newName: 'runtime-app' }); const rb = now() - t0;
                t0 = now(); const fromCompose = await refsOf(ours.c, composeUri, 13, 16); const fc = now() - t0;
                if (i === 0) {
                    if (Object.keys(edit.changes).length !== 1 + BUILD_FILES) problems.push(`rename of app edits ${Object.keys(edit.changes).length} files, expected ${1 + BUILD_FILES}`);
                    if (!fromCompose || fromCompose.length !== 1 + BUILD_FILES) problems.push(`references from compose.yaml: ${fromCompose && fromCompose.length}`);
                }
                if (i < 3) continue;
                t.refs.push(a); t.baseRefs.push(b); t.rename.push(r); t.baseRename.push(rb); t.fromCompose.push(fc);
            }
            const stat = (xs) => ({ p50: med(xs), p95: pct(xs, 95) });
            result.references = stat(t.refs);
            result.baselineReferences = stat(t.baseRefs);
            result.rename = stat(t.rename);
            result.baselineRename = stat(t.baseRename);
            result.referencesFromCompose = stat(t.fromCompose);
            result.referencesVsBaseline = med(t.refs.map((x, i) => x / t.baseRefs[i]));

            // A compose file changed on disk: time until the references answer has it.
            const changes = [];
            for (let k = 0; k < (quick ? 3 : 9); k++) {
                const file = path.join(ws.dir, 'svc2', 'compose.yaml');
                const on = k % 2 === 0;
                fs.writeFileSync(file, on ? compose(2).replace('target: app', 'target: test') : compose(2));
                const t0 = now();
                await ours.c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(file), type: 2 }] });
                await untilFiles(ours.c, ours.uri, on ? BUILD_FILES : BUILD_FILES + 1, 'the changed file');
                changes.push(now() - t0);
            }
            result.changeToReferences = { p50: med(changes), runs: changes.length };
        } finally {
            await ours.c.stop();
            await bare.c.stop();
        }
    } finally {
        fs.rmSync(ws.dir, { recursive: true, force: true });
        fs.rmSync(base.dir, { recursive: true, force: true });
    }

    console.log(`stages across the workspace: ${result.files} files, ${BUILD_FILES} compose/Bake files; medians of ${ROUNDS} interleaved rounds (p95), ms`);
    console.log(`  references of app (51 locations in 51 files)   ${f2(result.references.p50).padStart(8)}  (p95 ${f2(result.references.p95)})   baseline, no build files (1 location): ${f2(result.baselineReferences.p50)} (p95 ${f2(result.baselineReferences.p95)}); ratio ${f2(result.referencesVsBaseline)}x`);
    console.log(`  rename of app (51 files)                       ${f2(result.rename.p50).padStart(8)}  (p95 ${f2(result.rename.p95)})   baseline: ${f2(result.baselineRename.p50)}`);
    console.log(`  references from a compose file's target        ${f2(result.referencesFromCompose.p50).padStart(8)}  (p95 ${f2(result.referencesFromCompose.p95)})`);
    console.log(`  compose file changed on disk -> new answer     ${f2(result.changeToReferences.p50).padStart(8)}  (median of ${result.changeToReferences.runs})`);
    console.log(`  first scan: start -> answer with all 51 files  ${f2(result.firstScan.ms).padStart(8)}  (median of ${STARTS} starts; baseline start -> first answer ${f2(result.firstScan.baselineStartMs)})`);
    const missed = result.references.p50 >= TARGET_MS;
    console.log(`${missed ? 'MISSED' : 'met'}: references in under ${TARGET_MS} ms (median ${f2(result.references.p50)} ms)`);
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(result, null, 2) + '\n');
    if (problems.length) {
        console.error(`BROKEN:\n  ${problems.join('\n  ')}`);
        process.exitCode = 1;
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
