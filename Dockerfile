# syntax=docker/dockerfile:1
#
# One image for all three of our processes (api, worker, simulators); the compose file
# picks the process with `command:`. Build from the repository root:
#
#   docker build -t complaint-engine:local .
#
# Layout inside the image (WORKDIR /app), which is what config/env.ts expects
# (PROJECT_ROOT = /app when running from /app/dist):
#   /app/dist/...        compiled JS (tsc -p tsconfig.build.json)
#   /app/config/...      holiday JSON data and policy files (CALENDAR_DIR=/app/config/holidays)
#   /app/console/...     agent console static assets, served by the API
#   /app/node_modules    production dependencies only
#   /data/simulators     writable by the non-root user (SIMULATOR_DATA_DIR, a volume in compose)

ARG NODE_IMAGE=node:20-bookworm-slim

############################
# Build stage: full install, compile TypeScript to dist/
############################
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first so this layer is cached until package*.json change.
# No native compilation happens: @temporalio/core-bridge ships prebuilt binaries and
# @swc/core / esbuild come as per-platform optional packages recorded in the lockfile.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Sources (the .dockerignore keeps node_modules, dist, data, .git, ... out of the context).
COPY . .
RUN npx tsc -p tsconfig.build.json \
 && test -f dist/worker.js \
 && test -f dist/api/server.js \
 && test -f dist/simulators/server.js \
 && test -f dist/workflows/index.js \
 && test -d config/holidays \
 && mkdir -p console

############################
# Runtime stage: production dependencies + compiled output + data files
############################
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Production dependencies only. @temporalio/worker (a production dependency) brings webpack,
# swc-loader and @swc/core: the worker bundles dist/workflows/index.js at startup.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /app/dist ./dist
# Data files (holiday JSON, policy) and the console's static assets. Taken from the build
# stage so a missing/empty console/ directory (git does not keep empty folders) is no error.
COPY --from=build /app/config ./config
COPY --from=build /app/console ./console

# Writable data directory for the simulators (mounted as a named volume in compose; a fresh
# named volume takes over this directory's ownership, so the non-root user can write to it).
RUN mkdir -p /data/simulators && chown -R node:node /data

# The official node image ships an unprivileged `node` user (uid 1000).
USER node

ENV CALENDAR_DIR=/app/config/holidays \
    SIMULATOR_DATA_DIR=/data/simulators

EXPOSE 3000 4100

# Default process: the HTTP API. Overridden per service in compose:
#   worker:     node dist/worker.js
#   simulators: node dist/simulators/server.js
CMD ["node", "dist/api/server.js"]
