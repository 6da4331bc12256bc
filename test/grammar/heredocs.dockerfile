# SYNTAX TEST "source.dockerfile" "heredocs: RUN bodies are shell, data heredocs are strings, the instruction after them is intact"
# syntax=docker/dockerfile:1
FROM debian:bookworm-slim AS tools
#                            ^^^^^ entity.name.type.stage.dockerfile
RUN <<EOF
# <--- keyword.other.special-method.dockerfile
#   ^^ keyword.operator.heredoc.dockerfile
#     ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
set -eux
# <--- meta.embedded.block.shell support.function.builtin.shell
apt-get update && apt-get install -y --no-install-recommends curl
# <------- meta.embedded.block.shell entity.name.command.shell
#              ^^ meta.embedded.block.shell punctuation.separator.statement.and.shell
#                                    ^^^^^^^^^^^^^^^^^^^^^^^ meta.embedded.block.shell - variable.parameter.flag.dockerfile
if [ -n "$DEBUG" ]; then echo debug; fi
# <-- meta.embedded.block.shell keyword.control.if.shell
#        ^^^^^^ meta.embedded.block.shell string.quoted.double.shell
FROM fake AS notastage
# <---- meta.embedded.block.shell - keyword.other.special-method.dockerfile
#    ^^^^ meta.embedded.block.shell - entity.name.type.base-image.dockerfile
#            ^^^^^^^^^ meta.embedded.block.shell - entity.name.type.stage.dockerfile
COPY --from=builder /a /b
#           ^^^^^^^ meta.embedded.block.shell - entity.name.type.stage.reference.dockerfile
 EOF
#^^^ meta.embedded.block.shell - punctuation.definition.string.heredoc.delimiter.dockerfile
EOF
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile - meta.embedded.block.shell

RUN <<-EOF
#   ^^^ keyword.operator.heredoc.dockerfile
#      ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
	echo tab-indented body
#^^^^ meta.embedded.block.shell support.function.builtin.shell
	EOF
#^^^ punctuation.definition.string.heredoc.delimiter.dockerfile - meta.embedded.block.shell

RUN <<"EOT"
#   ^^ keyword.operator.heredoc.dockerfile
#     ^ punctuation.definition.string.heredoc.quote.dockerfile
#      ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
#         ^ punctuation.definition.string.heredoc.quote.dockerfile
echo "no expansion here: $HOME"
# <---- meta.embedded.block.shell support.function.builtin.shell
EOT
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile

RUN --mount=type=cache,target=/var/cache/apt,sharing=locked <<EOF
#   ^^^^^^^ variable.parameter.flag.dockerfile
#                                            ^^^^^^^ variable.parameter.mount-option.dockerfile
#                                                           ^^ keyword.operator.heredoc.dockerfile
#                                                             ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
apt-get update
# <------- meta.embedded.block.shell entity.name.command.shell
EOF
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile

RUN bash -ex <<'SCRIPT'
#   ^^^^ entity.name.command.shell
#            ^^ keyword.operator.heredoc.dockerfile
#              ^ punctuation.definition.string.heredoc.quote.dockerfile
#               ^^^^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
for f in /etc/*.conf; do cat "$f"; done
# <--- meta.embedded.block.shell keyword.control.for.shell
#                                  ^^^^ meta.embedded.block.shell keyword.control.done.shell
SCRIPT
# <------ punctuation.definition.string.heredoc.delimiter.dockerfile

RUN --mount=type=secret,id=npmrc \
#   ^^^^^^^ variable.parameter.flag.dockerfile
    --mount=type=bind,from=tools,source=/usr/bin/curl,target=/usr/bin/curl \
#                          ^^^^^ entity.name.type.stage.reference.dockerfile
    <<EOF
#   ^^ keyword.operator.heredoc.dockerfile
#     ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
curl -fsSL https://example.com
# <---- meta.embedded.block.shell entity.name.command.shell
EOF
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile

RUN python3 <<EOF
# <--- keyword.other.special-method.dockerfile
#           ^^ keyword.operator.heredoc.dockerfile
#             ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
import sys; print(sys.version)
# <------ string.unquoted.heredoc.dockerfile - meta.embedded.block.shell
EOF
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile - string.unquoted.heredoc.dockerfile

RUN cat <<EOF > /etc/motd
#       ^^ keyword.operator.heredoc.dockerfile
#             ^^^^^^^^^^^ - string.unquoted.heredoc.dockerfile
Welcome to $HOSTNAME
# <------- string.unquoted.heredoc.dockerfile - meta.embedded.block.shell
EOF
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile

COPY <<EOF /etc/app.conf
# <---- keyword.other.special-method.dockerfile
#    ^^ keyword.operator.heredoc.dockerfile
#      ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
#          ^^^^^^^^^^^^^ - string.unquoted.heredoc.dockerfile
listen = 8080
# <------ string.unquoted.heredoc.dockerfile - meta.embedded.block.shell
EOF
# <--- punctuation.definition.string.heredoc.delimiter.dockerfile

COPY --chmod=755 <<-"EOT" /usr/local/bin/entrypoint
#    ^^^^^^^ variable.parameter.flag.dockerfile
#                ^^^ keyword.operator.heredoc.dockerfile
#                    ^^^ punctuation.definition.string.heredoc.delimiter.dockerfile
	#!/bin/sh
#^^^^^^^^^ string.unquoted.heredoc.dockerfile - comment.line.number-sign.dockerfile
	exec "$@"
#^^^^ string.unquoted.heredoc.dockerfile
	EOT
#^^^ punctuation.definition.string.heredoc.delimiter.dockerfile

FROM tools AS final
# <---- keyword.other.special-method.dockerfile
#    ^^^^^ entity.name.type.base-image.dockerfile
#          ^^ keyword.other.special-method.dockerfile
#             ^^^^^ entity.name.type.stage.dockerfile
COPY --from=tools /usr/bin/curl /usr/bin/curl
#           ^^^^^ entity.name.type.stage.reference.dockerfile
