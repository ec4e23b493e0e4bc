# The API and worker image. One image, two commands: `throughline api`, `throughline worker`.

# The pages' files (GOV.UK Frontend, MoJ Frontend, Swagger UI) from npm, pinned by the lock.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    THROUGHLINE_ASSETS_DIR=/app/node_modules

WORKDIR /app
COPY pyproject.toml README.md ./
COPY models ./models
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY throughline ./throughline
COPY web ./web
RUN pip install . && useradd --system --uid 10001 throughline
COPY --from=assets /assets/node_modules ./node_modules

USER throughline
EXPOSE 8000
CMD ["throughline", "api"]
