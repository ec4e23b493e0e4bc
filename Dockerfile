# The API and worker image. One image, two commands: `throughline api`, `throughline worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY models ./models
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY throughline ./throughline
RUN pip install . && useradd --system --uid 10001 throughline

USER throughline
EXPOSE 8000
CMD ["throughline", "api"]
