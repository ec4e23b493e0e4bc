# The API and worker image. One image, two commands: `throughline api`, `throughline worker`.
# The base images come from .env through compose's build arguments, like every other tag:
#   docker compose build   (or docker build with --build-arg PYTHON_IMAGE=... and NODE_IMAGE=...)
ARG PYTHON_IMAGE
ARG NODE_IMAGE

# The pages' files (GOV.UK Frontend, MoJ Frontend, Swagger UI) from npm, pinned by the lock.
FROM ${NODE_IMAGE} AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Builds Throughline's own wheel, with the setuptools that requirements/build.txt pins.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements/build.txt requirements/build.txt
RUN pip install --require-hashes -r requirements/build.txt
COPY pyproject.toml README.md ./
COPY models ./models
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY throughline ./throughline
COPY web ./web
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# What runs: the locked dependencies, then the wheel; no compiler, no sources, no tests,
# and no Temporal binaries (the embedded extra is for `throughline up` on a laptop).
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/throughline/bin:$PATH \
    THROUGHLINE_ASSETS_DIR=/app/node_modules \
    THROUGHLINE_DATA_DIR=/var/lib/throughline \
    THROUGHLINE_WORKER_HEALTH_FILE=/tmp/throughline-worker-health
RUN python -m venv /opt/throughline \
    && useradd --system --uid 10001 throughline \
    && install -d -o throughline -g throughline -m 0700 /var/lib/throughline
# Its own layer, before any source: a code change does not reinstall the dependencies.
COPY requirements/runtime.txt /tmp/runtime.txt
RUN pip install --require-hashes --no-deps -r /tmp/runtime.txt && rm /tmp/runtime.txt
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels
WORKDIR /app
COPY --from=assets /assets/node_modules ./node_modules

USER throughline
EXPOSE 8000
# The API's; compose gives the worker the probe's `worker` check instead. The probe imports
# only the standard library, so checking every 10 s costs milliseconds of CPU.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
    CMD ["python", "-m", "throughline.probe", "api"]
CMD ["throughline", "api"]
