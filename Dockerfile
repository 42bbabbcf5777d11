# Production image: gunicorn serving the app; configured only through the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    GUNICORN_BIND=0.0.0.0:8065

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /data/secret_key \
    && useradd --system --uid 10001 --home-dir /app mattermost \
    && mkdir -p /data && chown mattermost /data

USER mattermost
EXPOSE 8065
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8065/api/v4/system/ping', timeout=4)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn --config mattermost_py/gunicorn.conf.py"]
