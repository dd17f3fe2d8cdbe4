# One image for every origin (portal and instances); ORIGIN_ROLE picks the role at run time.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY shared ./shared
COPY origin ./origin
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "origin/main.ts"]
