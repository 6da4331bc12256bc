# SYNTAX TEST "source.dockerfile" "multi-stage Node build: lower/mixed case keywords, mount from=, numeric --from, ONBUILD"
# syntax=docker/dockerfile:1
from node:20-bookworm-slim as base
# <---- keyword.other.special-method.dockerfile
#    ^^^^^^^^^^^^^^^^^^^^^ entity.name.type.base-image.dockerfile
#                          ^^ keyword.other.special-method.dockerfile
#                             ^^^^ entity.name.type.stage.dockerfile
WORKDIR /app

FROM base AS deps
#    ^^^^ entity.name.type.base-image.dockerfile
#            ^^^^ entity.name.type.stage.dockerfile
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
#   ^^^^^^^ variable.parameter.flag.dockerfile
#                                        ^^^ - entity.name.type.stage.reference.dockerfile variable.parameter.flag.dockerfile
#                                               ^^^^^^ - variable.parameter.flag.dockerfile

Copy --from=deps /app/node_modules /tmp/prod_modules
# <---- keyword.other.special-method.dockerfile
#    ^^^^^^ variable.parameter.flag.dockerfile
#           ^^^^ entity.name.type.stage.reference.dockerfile
#                ^^^^^^^^^^^^^^^^^ - entity.name.type.stage.reference.dockerfile

FROM base as build
#         ^^ keyword.other.special-method.dockerfile
#            ^^^^^ entity.name.type.stage.dockerfile
RUN --mount=type=bind,from=deps,source=/app/node_modules,target=/app/node_modules \
#   ^^^^^^^ variable.parameter.flag.dockerfile
#                     ^^^^ variable.parameter.mount-option.dockerfile
#                          ^^^^ entity.name.type.stage.reference.dockerfile
#                               ^^^^^^ variable.parameter.mount-option.dockerfile
#                                      ^^^^^^^^^^^^^^^^^ - entity.name.type.stage.reference.dockerfile
    --mount=type=bind,source=package.json,target=package.json \
#   ^^^^^^^ variable.parameter.flag.dockerfile
#           ^^^^ variable.parameter.mount-option.dockerfile
#                            ^^^^^^^^^^^^ - entity.name.type.stage.reference.dockerfile
    --mount=type=cache,target=/root/.npm,FROM=cache-stage \
#                                        ^^^^ variable.parameter.mount-option.dockerfile
#                                             ^^^^^^^^^^^ entity.name.type.stage.reference.dockerfile
    npm run build

FROM build AS Test
#    ^^^^^ entity.name.type.base-image.dockerfile
#             ^^^^ entity.name.type.stage.dockerfile
RUN --mount=type=bind,from=0,target=/base npm test
#                     ^^^^ variable.parameter.mount-option.dockerfile
#                          ^ constant.numeric.integer.stage-index.dockerfile

FROM node:20-bookworm-slim AS runtime
#                          ^^ keyword.other.special-method.dockerfile
#                             ^^^^^^^ entity.name.type.stage.dockerfile
ENV NODE_ENV=production
#   ^^^^^^^^ - entity.name.type.stage.dockerfile entity.name.type.stage.reference.dockerfile
COPY --from=1 /tmp/prod_modules ./node_modules
#    ^^^^^^ variable.parameter.flag.dockerfile
#           ^ constant.numeric.integer.stage-index.dockerfile
COPY --from=build --chown=node:node /app/dist ./dist
#           ^^^^^ entity.name.type.stage.reference.dockerfile
#                 ^^^^^^^ variable.parameter.flag.dockerfile
#                         ^^^^^^^^^ - entity.name.type.stage.reference.dockerfile
ADD --from=build /app/package.json ./
# <--- keyword.other.special-method.dockerfile
#          ^^^^^ entity.name.type.stage.reference.dockerfile
COPY --from=${BUILDER_STAGE} /app/extra ./extra
#           ^^^^^^^^^^^^^^^^ entity.name.type.stage.reference.dockerfile
#           ^^^^^^^^^^^^^^^^ variable.other.dockerfile
ONBUILD COPY --from=build /app/dist /onbuild
# <------- keyword.control.dockerfile
#       ^^^^ keyword.other.special-method.dockerfile
#                   ^^^^^ entity.name.type.stage.reference.dockerfile
USER node
CMD ["node", "dist/server.js"]
#    ^^^^^^ string.quoted.double.dockerfile
