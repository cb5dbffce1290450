# Open Veiligheid as a container image: the production server (`openveiligheid serve`) or, with
# another command, the worker (`openveiligheid worker`). See compose.yaml and docs/deployment.md.
# Everything comes from Debian, PyPI and npm at build time; nothing is fetched at run time.

FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The tested versions (requirements.txt), the NL Design System CSS from npm (package-lock.json),
# then the app itself, with the vendored CSS inside it.
RUN python -m venv /opt/openveiligheid \
    && /opt/openveiligheid/bin/pip install --no-cache-dir -r requirements.txt \
    && npm ci --prefix frontend --no-audit --no-fund --loglevel=error \
    && /opt/openveiligheid/bin/python scripts/vendor_assets.py \
    && /opt/openveiligheid/bin/pip install --no-cache-dir --no-deps .

FROM python:3.11-slim-bookworm
# pg_dump/pg_restore for `openveiligheid backup` (Debian bookworm: PostgreSQL 15 client).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data openveiligheid \
    && mkdir -p /data && chown openveiligheid /data && chmod 700 /data
COPY --from=build /opt/openveiligheid /opt/openveiligheid
ENV PATH=/opt/openveiligheid/bin:$PATH \
    OV_DATA_DIR=/data \
    PYTHONUNBUFFERED=1
USER openveiligheid
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/gezondheid/').status != 200)"]
CMD ["openveiligheid", "serve", "--bind", "0.0.0.0:8000"]
