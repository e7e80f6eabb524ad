# Crossboard in a container: one process, its boards in SQLite on the /app/data volume.
#
# Untested here: the machines this was written on have no Docker engine. So every step is one CI
# runs (npm ci, npm run build, and the command `npm run serve` runs), and
# server/cli/container.test.ts checks that they stay the same as package.json's.
#
#   docker build -t crossboard .
#   docker run -p 8787:8787 -v crossboard-data:/app/data crossboard
#
# All stages use the same image, so the better-sqlite3 addon compiled in the first runs in the last.

FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source where its prebuilt binary cannot be downloaded
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# what the server needs at run time, with its built native addon; no compilers, tests or dev tools
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production \
    PORT=8787 \
    DATA_DIR=/app/data
WORKDIR /app
# owned by root and read-only to the server; only the data folder is the server's
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/dist-server ./dist-server
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME /app/data
EXPOSE 8787
# no curl in the slim image: node asks /api/health itself
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: SIGTERM from `docker stop` reaches the server, which stores every board and exits
CMD ["node", "--enable-source-maps", "dist-server/main.js"]
