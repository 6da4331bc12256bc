# SYNTAX TEST "source.dockerfile" "multi-stage Go build: stage names, --platform, cache mounts, COPY --from"
# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS base
# <---- keyword.other.special-method.dockerfile
#    ^^^^^^^^^^ variable.parameter.flag.dockerfile
#              ^ keyword.operator.assignment.dockerfile
#               ^^^^^^^^^^^^^^ variable.other.dockerfile
#                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^ entity.name.type.base-image.dockerfile
#                                     ^^^^^^^^^^^^^ variable.other.dockerfile
#                                                          ^^ keyword.other.special-method.dockerfile
#                                                             ^^^^ entity.name.type.stage.dockerfile
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# <--- keyword.other.special-method.dockerfile
#   ^^^^^^^ variable.parameter.flag.dockerfile
#          ^ keyword.operator.assignment.dockerfile
#           ^^^^ variable.parameter.mount-option.dockerfile
#                ^^^^^ - variable.parameter.mount-option.dockerfile entity.name.type.stage.reference.dockerfile
#                      ^^^^^^ variable.parameter.mount-option.dockerfile

FROM base As builder
#         ^^ keyword.other.special-method.dockerfile
#            ^^^^^^^ entity.name.type.stage.dockerfile
#    ^^^^ entity.name.type.base-image.dockerfile
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/server ./cmd/server
#   ^^^^ - entity.name.type.stage.reference.dockerfile variable.parameter.flag.dockerfile

FROM builder AS test
#    ^^^^^^^ entity.name.type.base-image.dockerfile
#               ^^^^ entity.name.type.stage.dockerfile
RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=deps,source=/x,target=/y go test ./...
#                                          ^^^^^^^ variable.parameter.flag.dockerfile
#                                                            ^^^^ variable.parameter.mount-option.dockerfile
#                                                                ^ keyword.operator.assignment.dockerfile
#                                                                 ^^^^ entity.name.type.stage.reference.dockerfile
#                                                                     ^ - entity.name.type.stage.reference.dockerfile
#                                                                      ^^^^^^ variable.parameter.mount-option.dockerfile

FROM gcr.io/distroless/static-debian12:nonroot@sha256:0123abcd AS final
#    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ entity.name.type.base-image.dockerfile
#                                                              ^^ keyword.other.special-method.dockerfile
#                                                                 ^^^^^ entity.name.type.stage.dockerfile
COPY --from=builder --chown=nonroot:nonroot /out/server /server
# <---- keyword.other.special-method.dockerfile
#    ^^^^^^ variable.parameter.flag.dockerfile
#          ^ keyword.operator.assignment.dockerfile
#           ^^^^^^^ entity.name.type.stage.reference.dockerfile
#                   ^^^^^^^ variable.parameter.flag.dockerfile
#                           ^^^^^^^^^^^^^^^ - entity.name.type.stage.reference.dockerfile
#                                           ^^^^^^^^^^^ - entity.name.type.stage.reference.dockerfile
COPY --link --from=test /src/report.xml /reports/
#    ^^^^^^ variable.parameter.flag.dockerfile
#           ^^^^^^ variable.parameter.flag.dockerfile
#                  ^^^^ entity.name.type.stage.reference.dockerfile
USER nonroot:nonroot
ENTRYPOINT ["/server"]
#           ^^^^^^^^^ string.quoted.double.dockerfile
