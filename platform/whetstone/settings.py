"""Whetstone settings, read from the environment with safe local defaults.

Every integration is switched by the environment alone, so the same code runs on
a laptop (`make run`: SQLite, a private Redis, a local object store under var/)
and on a cluster (PostgreSQL, Redis, S3, N workers).
"""

from pathlib import Path

import environ

REPO_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(environ.Env().str("WHETSTONE_VAR_DIR", default=str(REPO_DIR / "var")))

env = environ.Env()
environ.Env.read_env(REPO_DIR / ".env", overwrite=False) if (REPO_DIR / ".env").is_file() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # Local runs get a key that survives restarts but never lives in the code.
    key_file = VAR_DIR / "secret_key"
    if not key_file.is_file():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram search on PostgreSQL; inert on SQLite
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: /api/docs/ works without internet
    "accounts",
    "modelhub",
    "jobs",
    "deployments",
    "notifications",
    "outbox",
    "fleet",
    "console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "whetstone.urls"
WSGI_APPLICATION = "whetstone.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'whetstone.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write the same file: wait for the lock
    # instead of failing with "database is locked". IMMEDIATE takes the write
    # lock when a transaction begins, so two writers queue up rather than one
    # failing when it upgrades a read lock (which no timeout helps with).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=30, transaction_mode="IMMEDIATE")
# Keep database connections across requests (a new PostgreSQL connection per
# request costs more than a whole list page); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# The console is a single-page app built into frontend/dist; WhiteNoise serves
# its assets and the `console` app serves index.html for every console route.
FRONTEND_DIST = REPO_DIR / "frontend" / "dist"
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None

# Object storage: any S3 API when S3_BUCKET is given, else a local store under var/.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="us-east-1"),
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "objects"), "allow_overwrite": True},
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: spooled to a temporary file past 2.5 MB, so a model is never held
# whole in memory; anything above the limit is refused with a clear message.
WHETSTONE_MAX_UPLOAD_BYTES = env.int("WHETSTONE_MAX_UPLOAD_BYTES", default=2 * 1024**3)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
WHETSTONE_MAX_CALIBRATION_BYTES = env.int("WHETSTONE_MAX_CALIBRATION_BYTES", default=512 * 1024**2)
# Example inputs a model version may hold (files; their total is bounded like calibration data).
MODELHUB_MAX_EXAMPLE_FILES = env.int("MODELHUB_MAX_EXAMPLE_FILES", default=64)
# The largest tokenizer.json a version may hold (large vocabularies such as Gemma's are about 33 MB).
MODELHUB_MAX_TOKENIZER_BYTES = env.int("MODELHUB_MAX_TOKENIZER_BYTES", default=48 * 1024**2)
# The largest batch of inputs an optimization may be asked to generate (its shapes times its dtypes).
# The worker holds several such batches at once (timing, accuracy, reference outputs, activations),
# so this stays a small fraction of its memory limit (WHETSTONE_COMPILE_MEMORY_LIMIT_MB); larger
# requests are refused when submitted instead of running out of memory in the worker.
WHETSTONE_MAX_INPUT_BYTES = env.int("WHETSTONE_MAX_INPUT_BYTES", default=1024**3)

# ModelHub: archives are unpacked with bounds (members, expanded bytes); ONNX
# files above the inline limit are inspected by a worker task.
MODELHUB_ARCHIVE_MAX_MEMBERS = env.int("MODELHUB_ARCHIVE_MAX_MEMBERS", default=10_000)
MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES = env.int("MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES",
                                              default=2 * WHETSTONE_MAX_UPLOAD_BYTES)
MODELHUB_INLINE_INSPECTION_MAX_BYTES = env.int("MODELHUB_INLINE_INSPECTION_MAX_BYTES", default=200 * 1024**2)
MODELHUB_TASK_QUEUE = env.str("MODELHUB_TASK_QUEUE", default="cpu")
MODELHUB_TRIGRAM_SEARCH = env.bool("MODELHUB_TRIGRAM_SEARCH", default=True)
# Register by URI reads with the server's credentials: never from S3_BUCKET itself, and
# only from these buckets when the list is not empty.
MODELHUB_URI_ALLOWED_BUCKETS = env.list("MODELHUB_URI_ALLOWED_BUCKETS", default=[])
# Presigned multipart uploads: bytes per part, and how long the part URLs stay valid.
MODELHUB_UPLOAD_PART_BYTES = env.int("MODELHUB_UPLOAD_PART_BYTES", default=64 * 1024**2)
MODELHUB_UPLOAD_URL_EXPIRY_S = env.int("MODELHUB_UPLOAD_URL_EXPIRY_S", default=6 * 3600)
# Register by URI: s3:// objects are read with these credentials (default: the
# platform's own object store); oss:// through Alibaba OSS's S3-compatible endpoint.
MODELHUB_S3_ENDPOINT_URL = env.str("MODELHUB_S3_ENDPOINT_URL", default=env.str("S3_ENDPOINT_URL", default=""))
MODELHUB_S3_ADDRESSING_STYLE = env.str("MODELHUB_S3_ADDRESSING_STYLE", default=env.str("S3_ADDRESSING_STYLE", default="path"))
MODELHUB_OSS_ENDPOINT_URL = env.str("MODELHUB_OSS_ENDPOINT_URL", default="")
MODELHUB_URI_ACCESS_KEY_ID = env.str("MODELHUB_URI_ACCESS_KEY_ID", default=env.str("S3_ACCESS_KEY_ID", default=""))
MODELHUB_URI_SECRET_ACCESS_KEY = env.str("MODELHUB_URI_SECRET_ACCESS_KEY",
                                         default=env.str("S3_SECRET_ACCESS_KEY", default=""))
MODELHUB_URI_REGION = env.str("MODELHUB_URI_REGION", default=env.str("S3_REGION", default="us-east-1"))

# Requests the server sends to user-supplied URLs (webhooks) reach public internet
# addresses only; these CIDRs and host names are let through as well (whetstone/outbound.py).
WHETSTONE_OUTBOUND_ALLOWLIST = env.list("WHETSTONE_OUTBOUND_ALLOWLIST", default=[])

# Jobs: Redis carries them, the database row is the truth.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6479/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_DEFAULT_PRIORITY = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker went away tries again every second, for as long as it takes
# (optimizer_worker/consumer.py), rather than with a growing backoff or giving up after 100 tries.
CELERY_WORKER_CONSUMER = "optimizer_worker.consumer:PromptReconnectConsumer"
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A request must not hang when the broker is down: the job row is committed,
# and the reaper sends its message once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # acks_late on Redis: an unacknowledged message is redelivered after this
    # long; the reaper (heartbeats) notices a lost worker much sooner.
    "visibility_timeout": 6 * 3600,
    "priority_steps": list(range(10)),
    "sep": ":",
    "queue_order_strategy": "priority",
    "socket_connect_timeout": 3,
}
WHETSTONE_HEARTBEAT_INTERVAL_S = env.float("WHETSTONE_HEARTBEAT_INTERVAL_S", default=5.0)
WHETSTONE_HEARTBEAT_TIMEOUT_S = env.float("WHETSTONE_HEARTBEAT_TIMEOUT_S", default=60.0)
# The class a job targets when its request names none and the serving engines online are not all of
# one class (jobs/services.py, hardware_class_default). Empty: the online workers' class, if one.
WHETSTONE_DEFAULT_HARDWARE_CLASS = env.str("WHETSTONE_DEFAULT_HARDWARE_CLASS", default="")
WHETSTONE_REAPER_INTERVAL_S = env.float("WHETSTONE_REAPER_INTERVAL_S", default=15.0)
# How often the reaper process sends the outbox's waiting messages (outbox/services.py).
WHETSTONE_OUTBOX_INTERVAL_S = env.float("WHETSTONE_OUTBOX_INTERVAL_S", default=1.0)
# The reaper also sweeps objects no row points at (an upload cut off mid-way), once they are older
# than WHETSTONE_ORPHAN_AGE_S, so an upload in progress is never touched.
WHETSTONE_SWEEP_INTERVAL_S = env.float("WHETSTONE_SWEEP_INTERVAL_S", default=3600.0)
WHETSTONE_ORPHAN_AGE_S = env.float("WHETSTONE_ORPHAN_AGE_S", default=6 * 3600.0)
# The reaper also samples the serving engine's per-model counters this often, for each served
# deployment's traffic history (deployments/traffic_history.py), and keeps the samples this long.
WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S = env.float("WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S", default=15.0)
WHETSTONE_TRAFFIC_RETENTION_S = env.float("WHETSTONE_TRAFFIC_RETENTION_S", default=2 * 3600.0)
# A deployment still waiting for its worker after this long has its message sent again (a broker
# can lose one); a loading or updating one gets twice the engine's load timeout more.
WHETSTONE_DEPLOYMENT_REDISPATCH_S = env.float("WHETSTONE_DEPLOYMENT_REDISPATCH_S", default=60.0)
# When a queued job's message is presumed lost and sent again (jobs.services).
WHETSTONE_LOST_MESSAGE_GRACE_S = env.float("WHETSTONE_LOST_MESSAGE_GRACE_S", default=10.0)
WHETSTONE_IDLE_REDISPATCH_S = env.float("WHETSTONE_IDLE_REDISPATCH_S", default=30.0)
WHETSTONE_REDISPATCH_AFTER_S = env.float("WHETSTONE_REDISPATCH_AFTER_S", default=15 * 60.0)
WHETSTONE_JOB_MAX_ATTEMPTS = env.int("WHETSTONE_JOB_MAX_ATTEMPTS", default=2)
WHETSTONE_MAX_RUNNING_JOBS_PER_USER = env.int("WHETSTONE_MAX_RUNNING_JOBS_PER_USER", default=2)
WHETSTONE_DEFER_COUNTDOWN_S = env.float("WHETSTONE_DEFER_COUNTDOWN_S", default=2.0)
# Soft limits per recipe: long enough for real compile jobs. The hard limit
# follows after a grace period in which the runner records the failure.
WHETSTONE_JOB_SOFT_TIME_LIMITS_S = {
    "lossless": env.int("WHETSTONE_LOSSLESS_TIME_LIMIT_S", default=3600),
    "bf16": env.int("WHETSTONE_BF16_TIME_LIMIT_S", default=2 * 3600),
    "int8": env.int("WHETSTONE_INT8_TIME_LIMIT_S", default=3 * 3600),
    "auto": env.int("WHETSTONE_AUTO_TIME_LIMIT_S", default=4 * 3600),
}
WHETSTONE_JOB_HARD_TIME_LIMIT_GRACE_S = 120

# Serving: the engine's internal address (the worker loads models through it),
# the address users call, and the model repository it reads.
SERVING_URL = env.str("SERVING_URL", default="http://127.0.0.1:8081")
SERVING_PUBLIC_URL = env.str("SERVING_PUBLIC_URL", default=SERVING_URL)
# The engine's Prometheus metrics (MLServer's metrics listener): a deployment's traffic is read
# from here. Internal, like SERVING_URL, and set only by the operator; the default is where
# `python -m deploy.serving` puts it (the HTTP port + 2000).
SERVING_METRICS_URL = env.str("SERVING_METRICS_URL", default="")
if not SERVING_METRICS_URL:
    from urllib.parse import urlsplit as _urlsplit

    _serving = _urlsplit(SERVING_URL)
    SERVING_METRICS_URL = (f"{_serving.scheme}://{_serving.hostname}:{(_serving.port or 80) + 2000}/metrics"
                           if _serving.hostname else "")
# The engine's SERVING_ADMIN_TOKEN: its model repository API (load, unload) answers only this
# token, or, on an engine without one, only loopback callers.
SERVING_ADMIN_TOKEN = env.str("SERVING_ADMIN_TOKEN", default="")
SERVING_MODEL_ROOT = Path(env.str("SERVING_MODEL_ROOT", default=str(VAR_DIR / "serving" / "models")))
# How long the worker waits for the engine to load a package. The engine does not cancel a load
# its caller gave up on, so one that takes longer is unloaded and the deployment recorded failed
# (an update: the old package is loaded again). An update that times out spends it twice (the new
# load, then the old package's), so keep twice this plus the package download below the deploy
# task's soft time limit (optimizer_worker/tasks.py, 600 s), or that limit cuts the reload short.
SERVING_LOAD_TIMEOUT_S = env.float("SERVING_LOAD_TIMEOUT_S", default=240.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A token may do only what its scopes allow (accounts/permissions.py); a session may do all.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "accounts.permissions.TokenScopePermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "whetstone.api_errors.exception_handler",
    # Reverse proxies in front of the web process that append to X-Forwarded-For: the client's
    # address (login throttling) is the one the outermost of them saw. 0 ignores the header,
    # which a client could otherwise fill with a fresh address on each guess.
    "NUM_PROXIES": env.int("WHETSTONE_NUM_PROXIES", default=0),
}
# API tokens (accounts): every token expires. POST /api/v1/auth/token/ (username and password)
# gives one that lives this long; no token may live longer than the maximum.
WHETSTONE_LOGIN_TOKEN_TTL_DAYS = env.int("WHETSTONE_LOGIN_TOKEN_TTL_DAYS", default=30)
WHETSTONE_TOKEN_MAX_LIFETIME_DAYS = env.int("WHETSTONE_TOKEN_MAX_LIFETIME_DAYS", default=365)
# Password logins: after this many failures for one username from one address within the
# window, every attempt (the right password too) answers 429 until the window has passed.
# Counted in the default cache: with several web processes it must be a shared cache (CACHES).
WHETSTONE_LOGIN_MAX_FAILURES = env.int("WHETSTONE_LOGIN_MAX_FAILURES", default=5)
WHETSTONE_LOGIN_FAILURE_WINDOW_S = env.int("WHETSTONE_LOGIN_FAILURE_WINDOW_S", default=15 * 60)
# The same for one address, whatever the usernames (one address guessing many accounts).
WHETSTONE_LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("WHETSTONE_LOGIN_MAX_FAILURES_PER_ADDRESS", default=50)
# The default cache is per process; set CACHE_URL (e.g. redis://host:6379/1) so that every web
# process counts the same login failures.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

SPECTACULAR_SETTINGS = {
    "TITLE": "Whetstone API",
    "DESCRIPTION": "Register models, optimize them, read the report, deploy the package.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # /api/docs/ loads Swagger UI from this project's static files, not from a CDN: a self-hosted
    # platform is often run where the internet is out of reach, and a CDN script is a third party's code.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # RecipeEnum: the job row's recipe and the request contract's are one list (a test holds them equal).
    "ENUM_NAME_OVERRIDES": {"ModelVersionStatusEnum": "modelhub.models.ModelVersion.Status",
                            "RecipeEnum": "jobs.models.Job.Recipe",
                             "TrafficWindowEnum": "deployments.traffic_history.WINDOW_CHOICES",
                             "TokenizePaddingEnum": "modelhub.tokenizer.PADDING_CHOICES",
                            "PreprocessingLayoutEnum": "modelhub.preprocessing.LAYOUTS",
                            "PreprocessingColorEnum": "modelhub.preprocessing.COLORS"},
    # Every operation documents the API's error shape ({"detail", "errors"}) for its 4xx answers.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api.schema.add_error_responses",
        "jobs.api.schema.add_report_components",  # the report's components come from compiler_core's contract
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
