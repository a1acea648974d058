# storage-ops: Slack bot, MCP server and scheduler in one image. The image also serves as its own
# helper image (tar, df and fio are installed), so engines need nothing pulled:
#   docker build -t storage-ops .
#   docker run -d --name storage-ops \
#     -v /var/run/docker.sock:/var/run/docker.sock \
#     --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v storage-ops-data:/data -e STORAGE_OPS_HTTP_HOST=0.0.0.0 -p 127.0.0.1:8765:8765 storage-ops

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends fio tar zstd age restic ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
# DOCKER_GID: the docker socket's group on the host, so the non-root user can reach the engine
# without --group-add.
ARG DOCKER_GID=999
RUN (getent group "${DOCKER_GID}" || groupadd --gid "${DOCKER_GID}" docker-host) \
 && useradd --system --uid 10001 --gid "${DOCKER_GID}" --home-dir /data --shell /usr/sbin/nologin storage-ops \
 && mkdir -p /data && chown storage-ops /data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json README.md ./
RUN ln -s /app/dist/cli/main.js /usr/local/bin/storage-ops && chmod +x /app/dist/cli/main.js
ENV NODE_ENV=production \
    STORAGE_OPS_DATA_DIR=/data \
    STORAGE_OPS_HELPER_IMAGE=storage-ops:latest \
    STORAGE_OPS_HTTP_PORT=8765
USER storage-ops
# No VOLUME for /data: this image is also the helper image, and a VOLUME would give every helper
# container an anonymous volume that outlives it. Mount one at /data (see the run line above);
# /data is owned by storage-ops, so a new named volume starts out writable.
EXPOSE 8765
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.STORAGE_OPS_HTTP_PORT||8765)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["storage-ops", "serve"]
