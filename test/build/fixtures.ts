/** Dockerfiles the build tests share. */

/** Six stages: an alias-like base, a slow dependency step, an unused stage, build, test, app. */
export const SIX = `ARG BASE=busybox:1
FROM \${BASE} AS base
WORKDIR /app

FROM base AS deps
COPY manifest.txt ./
RUN sleep 2

FROM base AS unused
RUN echo UNUSED

FROM deps AS build
COPY src/ ./src/
RUN make

FROM build AS test
RUN make test

FROM base AS app
COPY --from=build /app/out /app/out
`;
