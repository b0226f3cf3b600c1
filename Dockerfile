# The portal in production: gunicorn serving Django, whitenoise serving static files.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --requirement requirements.txt

COPY . .
# Static files are collected at build time; the key only exists for this step. Uploaded
# logos go to /app/media, which the portal's user owns (compose mounts a volume there).
RUN SECRET_KEY=collectstatic-build-step-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app hub \
    && mkdir -p /app/media && chown hub /app/media

USER hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import os, sys, urllib.request; port = os.environ.get('PORT') or '8000'; sys.exit(urllib.request.urlopen('http://127.0.0.1:' + port + '/healthz').status != 200)"
# Workers, threads, timeouts and logs: gunicorn.conf.py, from the environment (README).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "hub.wsgi:application"]
