# syntax=docker/dockerfile:1
# Tagstream daemon image: `tagstream serve` on a small Node runtime. Multi-stage: dependencies and
# the TypeScript build happen in the first stage; the runtime stage holds only dist/, production
# node_modules and package.json, runs as a non-root user. isomorphic-git does all local Git work;
# git + openssh-client are there only for SSH remotes (the network leg of fetch/push over SSH).
# Build: docker build -t tagstream .    Run: see examples/deploy/.

ARG NODE_IMAGE=node:24-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
RUN apk add --no-cache git openssh-client
# NODE_OPTIONS and TAGSTREAM_HEAP_GROWING_PERCENT are DAEMON_ENV (src/adapters/process/v8-tuning.ts):
# a smaller young generation and old-generation growth for a long-lived, mostly idle process.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    TAGSTREAM_HEAP_GROWING_PERCENT=50 \
    TAGSTREAM_LISTEN=0.0.0.0:8080 \
    TAGSTREAM_DATA_DIR=/var/lib/tagstream/repo \
    HOME=/var/lib/tagstream
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The image's own "node" user (uid 1000) owns only the data directory; the app is read-only to it.
RUN mkdir -p /var/lib/tagstream && chown -R 1000:1000 /var/lib/tagstream
USER 1000:1000
VOLUME ["/var/lib/tagstream"]
EXPOSE 8080
# Health without curl/wget in the image: Node's fetch against /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.TAGSTREAM_LISTEN||'').split(':').pop()+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form, PID 1): the daemon finishes or abandons its run cleanly.
ENTRYPOINT ["node", "/app/dist/cli/main.js", "serve"]
