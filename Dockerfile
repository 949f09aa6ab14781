# syntax=docker/dockerfile:1
# One image for the three Lantern processes:
#   API (default):  node --max-old-space-size=512 --no-allocation-site-pretenuring --max-semi-space-size=16 dist/src/main.js
#   worker:         node --max-old-space-size=512 --no-allocation-site-pretenuring --max-semi-space-size=16 dist/src/worker.js
# The heap ceiling is deliberate: without it Node sizes the heap from the host's memory (4 GB here) and V8 then
# lets garbage grow to 4x the live heap between full collections (~380 MB RSS under load for ~60 MB live);
# with a 512 MB ceiling it collects at ~1.4x and the API stays under 300 MB. Allocation-site pretenuring is
# off: under concurrent load V8 otherwise starts allocating pg's parsed rows straight in the old generation,
# where they die, and runs a full collection every ~0.7 s. MALLOC_TRIM_THRESHOLD_ (below) keeps glibc from
# holding on to freed native memory. README "Architecture" explains each; `npm run bench` measures them.
#   migrations:     node dist/src/scripts/migrate.js   (as the owner: DATABASE_OWNER_URL; see README)
#
# npm ci runs with --ignore-scripts: no package here needs its install script (argon2 and msgpackr-extract
# load bundled prebuilt binaries), and it keeps @scarf/scarf's telemetry postinstall from running. This is
# also how npm 11 behaves on the development machines, where those scripts are not approved.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: every dependency, for the build ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- build: compile TypeScript to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build

# ---- runtime: production dependencies and dist/ only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc's malloc keeps freed native memory when its thresholds adapt upwards (README "Architecture"): fixed.
ENV MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# Owned by root, so the non-root process cannot rewrite its own code or dependencies.
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Liveness of the API. The worker and migrate containers run the same image without HTTP:
# docker-compose.yml disables this check for them.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=512", "--no-allocation-site-pretenuring", "--max-semi-space-size=16", "dist/src/main.js"]
