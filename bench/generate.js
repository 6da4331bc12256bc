'use strict';
/** A realistic N-stage Dockerfile: aliases, dependency stages, builders, tests and apps, in a repeating pattern. */
function generateDockerfile(stages) {
    const out = ['# syntax=docker/dockerfile:1', 'ARG GO_VERSION=1.22', 'ARG NODE_VERSION=20', ''];
    for (let i = 0; i < stages; i++) {
        const k = i % 5;
        const g = Math.floor(i / 5);
        if (k === 0) {
            out.push(`# base${g} pins the toolchain`, `FROM golang:\${GO_VERSION} AS base${g}`, 'WORKDIR /src');
        } else if (k === 1) {
            out.push(`FROM base${g} AS deps${g}`, 'COPY go.mod go.sum ./', 'RUN --mount=type=cache,target=/go/pkg/mod go mod download');
        } else if (k === 2) {
            out.push(`FROM deps${g} AS build${g}`, 'COPY . .', 'RUN --mount=type=cache,target=/root/.cache/go-build \\', '    # static binary', `    CGO_ENABLED=0 go build -o /out/app${g} ./cmd/app${g}`);
        } else if (k === 3) {
            out.push(`FROM build${g} AS test${g}`, 'RUN go test ./...');
        } else {
            out.push(`FROM gcr.io/distroless/static AS app${g}`, `COPY --from=build${g} /out/app${g} /app`, g > 0 ? `COPY --from=app${g - 1} /app /prev` : 'USER nonroot', 'ENTRYPOINT ["/app"]');
        }
        out.push('');
    }
    return out.join('\n');
}
module.exports = { generateDockerfile };
