/** Dockerfiles the protocol tests open. Line numbers in comments are 0-based (LSP). */

/** A Go project with every pattern, an unused test stage and numeric / mount references. */
export const GO_PROJECT = [
    '# syntax=docker/dockerfile:1', //  0
    'ARG GO_VERSION=1.22', //           1
    '', //                              2
    'FROM golang:${GO_VERSION} AS base', // 3
    'WORKDIR /src', //                  4
    '', //                              5
    '# deps downloads the Go modules', // 6
    'FROM base AS deps', //             7
    'COPY go.mod go.sum ./', //         8
    'RUN go mod download', //           9
    '', //                             10
    'FROM deps AS builder', //         11
    'COPY . .', //                     12
    'RUN go build -o /out/app ./cmd/app', // 13
    '', //                             14
    'FROM builder AS test', //         15
    'RUN go test ./...', //            16
    '', //                             17
    'FROM base AS lint', //            18
    'RUN --mount=type=bind,from=builder,target=/b ls /b', // 19
    '', //                             20
    'FROM alpine:3.20 AS app', //      21
    'COPY --from=builder /out/app /usr/local/bin/app', // 22
    'COPY --from=2 /out/app /usr/local/bin/app2', // 23
    'ENTRYPOINT ["app"]', //           24
    '',
].join('\n');

/** Every stage diagnostic at least once. */
export const PROBLEMS = [
    'FROM alpine:3.20 AS builder', //   0
    'RUN echo hi > /hi', //             1
    '', //                              2
    'FROM builder AS scratch', //       3
    'COPY --from=buildr /hi /a', //     4  unknown-stage (did you mean builder)
    'COPY --from=alpine:3.20 /etc/os-release /b', // 5  an image, not a typo
    'COPY --from=later /hi /x', //      6  forward-reference
    'COPY --from=scratch /hi /c', //    7  self-reference
    '', //                              8
    'FROM alpine:3.20 AS Builder', //   9  duplicate-stage-name, unused-stage
    'COPY . .', //                     10
    'RUN apk add --no-cache git', //   11  heavy-after-broad-copy
    '', //                             12
    'FROM builder AS later', //        13
    'COPY --from=1 /hi /d', //         14
    '',
].join('\n');

/** A realistic Node project typed character by character in the robustness test. */
export const NODE_PROJECT = [
    '# syntax=docker/dockerfile:1.7',
    'ARG NODE_VERSION=20',
    'FROM node:${NODE_VERSION}-alpine AS base',
    'WORKDIR /app',
    '',
    '# deps installs the production dependencies',
    'FROM base AS deps',
    'COPY package.json package-lock.json ./',
    'RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev',
    '',
    'FROM base AS build',
    'COPY package.json package-lock.json ./',
    'RUN npm ci',
    'COPY . .',
    'RUN npm run build \\',
    '    && npm prune --omit=dev',
    '',
    'FROM build AS test',
    'RUN npm test',
    '',
    'FROM gcr.io/distroless/nodejs20 AS app',
    'COPY --from=deps /app/node_modules ./node_modules',
    'COPY --from=build /app/dist ./dist',
    'CMD ["dist/server.js"]',
    '',
].join('\n');
