# SYNTAX TEST "source.dockerfile" "edge cases: comments, look-alikes, half-typed lines, continuation lines"
# FROM golang:1.22 AS builder
#                     ^^^^^^^ comment.line.number-sign.dockerfile - entity.name.type.stage.dockerfile
#      ^^^^^^^^^^^ comment.line.number-sign.dockerfile - entity.name.type.base-image.dockerfile
#   COPY --from=builder /a /b
#               ^^^^^^^ comment.line.number-sign.dockerfile - entity.name.type.stage.reference.dockerfile
FrOm myorg/as-tool:1.0 aS astool
# <---- keyword.other.special-method.dockerfile
#    ^^^^^^^^^^^^^^^^^ entity.name.type.base-image.dockerfile
#                      ^^ keyword.other.special-method.dockerfile
#                         ^^^^^^ entity.name.type.stage.dockerfile
FROM scratch
#    ^^^^^^^ entity.name.type.base-image.dockerfile
FROM alpine AS
#    ^^^^^^ entity.name.type.base-image.dockerfile
#           ^^ keyword.other.special-method.dockerfile
RUN echo hi
# <--- keyword.other.special-method.dockerfile - entity.name.type.stage.dockerfile
#   ^^^^ - entity.name.type.stage.dockerfile entity.name.type.base-image.dockerfile
FROM --platform=linux/arm64 \
#    ^^^^^^^^^^ variable.parameter.flag.dockerfile
#               ^^^^^^^^^^^ - entity.name.type.base-image.dockerfile
    golang:1.22 \
#   ^^^^^^^^^^^ entity.name.type.base-image.dockerfile
    AS cross
#   ^^ keyword.other.special-method.dockerfile
#      ^^^^^ entity.name.type.stage.dockerfile
LABEL from=builder
#          ^^^^^^^ - entity.name.type.stage.reference.dockerfile
ENV AS=1 FROM=2
#   ^^ - keyword.other.special-method.dockerfile
#        ^^^^ - keyword.other.special-method.dockerfile
RUN iconv --from=latin1 --to=utf-8 in.txt
#         ^^^^^^ - variable.parameter.flag.dockerfile
#                ^^^^^^ - entity.name.type.stage.reference.dockerfile
RUN echo $((1<<2)) && cat <<< "x"
#            ^^ - keyword.operator.heredoc.dockerfile
#                         ^^^ - keyword.operator.heredoc.dockerfile
RUN echo "<<EOF"
#         ^^^^^ string.quoted.double.dockerfile
FROM alpine AS after
# <---- keyword.other.special-method.dockerfile - string.unquoted.heredoc.dockerfile meta.embedded.block.shell
#              ^^^^^ entity.name.type.stage.dockerfile
COPY --from=after \
#           ^^^^^ entity.name.type.stage.reference.dockerfile
     --chown=1000:1000 /x /y
#    ^^^^^^^ variable.parameter.flag.dockerfile
#            ^^^^^^^^^ - entity.name.type.stage.reference.dockerfile
COPY --from=ghcr.io/org/img:1.0 /bin/tool /bin/tool
#           ^^^^^^^^^^^^^^^^^^^ entity.name.type.stage.reference.dockerfile
ONBUILD RUN --mount=type=bind,from=after,target=/m true
# <------- keyword.control.dockerfile
#       ^^^ keyword.other.special-method.dockerfile
#                                  ^^^^^ entity.name.type.stage.reference.dockerfile
