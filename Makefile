# 党支部工作管理 branchsite — development tasks.
# On a fresh Debian 12 machine:  make run   (set up and start the site)
#                                make test  (set up and run the tests)
# `make` alone lists the targets.

# Development defaults; an existing environment value wins (e.g. DEBUG=0 make run).
# Settings default DEBUG off and then require SECRET_KEY, so dev targets turn it on.
export DEBUG ?= 1
# DATABASE_URL is passed through untouched when set; unset means SQLite db.sqlite3.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Steps depend on each other's side effects (packages before venv, venv before
# manage.py), so never run them in parallel even under `make -j`.
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
PYTEST := $(VENV)/bin/pytest
MANAGE := $(PY) $(CURDIR)/manage.py

# pip >= 26 is needed for --build-constraint: XStatic-Bootstrap is sdist-only and
# its build imports pkg_resources, so its build must get setuptools<81.
PIP_VERSION := 26.3
BUILD_CONSTRAINTS := $(CURDIR)/requirements/build-constraints.txt
PIP := PIP_DISABLE_PIP_VERSION_CHECK=1 $(PY) -m pip
PIP_INSTALL := $(PIP) install --quiet --progress-bar off --build-constraint "$(BUILD_CONSTRAINTS)"

RUN_ADDR ?= 127.0.0.1:8000
# The production environment that `make deploy-check` reads, as systemd does.
ENV_FILE ?= deploy/branchsite.env
# Extra pytest arguments: make test PYTEST_ARGS="-k foo -x"
PYTEST_ARGS ?=
# Parallel test processes (pytest-xdist): one per core, at most 4 (the machine is
# also running Chromium, the db_worker processes and PostgreSQL); 0 runs the tests in
# pytest's own process, e.g. make test PYTEST_WORKERS=0 PYTEST_ARGS=tests/test_jobs.py
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
# Each test file runs whole in one process, so a module-scoped fixture (the seeded demo
# school, a printed PDF, the browser) is built once, as without xdist; files are handed
# out in collection order, where tests/conftest.py puts the longest first.
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)
# Extra arguments of the pages and district-ZIP benchmarks: make bench BENCH_PAGES_ARGS=--quick
BENCH_PAGES_ARGS ?=
BENCH_ZIP_ARGS ?=
# PostgreSQL used by the second test run; a postgres DATABASE_URL in the environment wins.
PG_DATABASE_URL ?= $(if $(filter postgres://% postgresql://%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/branchsite)

# Reachability check for PostgreSQL: connect to the server's "postgres" database
# (the one Django's test runner uses to create test_<name>), 3 s timeout.
PG_PROBE := import sys; sys.excepthook = lambda t, e, tb: print(t.__name__ + ": " + " ".join(str(e).split()), file=sys.stderr); import psycopg; from psycopg.conninfo import make_conninfo; psycopg.connect(make_conninfo(sys.argv[1], dbname="postgres"), connect_timeout=3).close()

# Step heading, bold on a terminal, plain in CI logs.
step = @if [ -t 1 ]; then printf '\n\033[1m==> %s\033[0m\n' $(1); else printf '\n==> %s\n' $(1); fi

.PHONY: help setup run test check format bench deploy-check clean-db clean \
	system-packages-run system-packages-test system-packages-bench venv venv-dev messages

help: ## 显示本帮助 / Show this help
	@echo "党支部工作管理 branchsite — make targets / 可用命令:"
	@echo
	@awk 'BEGIN { FS = ":.*?## " } /^[a-zA-Z0-9_-]+:.*?## / { printf "  %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo
	@echo "Variables / 变量: PYTEST_ARGS=\"-k foo\"  RUN_ADDR=$(RUN_ADDR)  PG_DATABASE_URL=...  ENV_FILE=$(ENV_FILE)  DEBUG=$(DEBUG)"

# ---------------------------------------------------------------- building blocks

system-packages-run:
	@PYTHON="$(PYTHON)" bash $(CURDIR)/scripts/system-packages.sh run

system-packages-test:
	@PYTHON="$(PYTHON)" bash $(CURDIR)/scripts/system-packages.sh test

system-packages-bench:
	@PYTHON="$(PYTHON)" bash $(CURDIR)/scripts/system-packages.sh bench

venv: $(VENV)/.installed-base
venv-dev: $(VENV)/.installed-dev

$(PY):
	$(call step,"创建虚拟环境 / Creating virtual environment .venv")
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %s); run e.g. make PYTHON=python3.11 ... / 需要 Python 3.11" % sys.version.split()[0])'
	$(PYTHON) -m venv --clear $(VENV)

$(VENV)/.installed-base: $(CURDIR)/requirements/base.txt $(BUILD_CONSTRAINTS) | $(PY)
	$(call step,"安装运行依赖 / Installing runtime requirements (first run only)")
	$(PIP) install --quiet --progress-bar off pip==$(PIP_VERSION)
	$(PIP_INSTALL) -r $(CURDIR)/requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: $(CURDIR)/requirements/dev.txt $(VENV)/.installed-base
	$(call step,"安装开发依赖 / Installing dev requirements")
	$(PIP_INSTALL) -r $(CURDIR)/requirements/dev.txt
	@touch $@

messages: venv
	$(call step,"编译翻译 / Compiling translations (locale/)")
	$(MANAGE) compilemessages --ignore=.venv

# ---------------------------------------------------------------- main targets

setup: system-packages-run venv-dev messages ## 安装系统包与依赖、迁移数据库、载入演示数据 / Install everything, migrate, load demo data
	$(call step,"迁移数据库 / Migrating database ($(if $(DATABASE_URL),DATABASE_URL,SQLite db.sqlite3))")
	$(MANAGE) migrate --noinput
	$(call step,"载入演示数据 / Loading demo data")
	$(MANAGE) seed_demo
	@echo
	@echo "就绪 / Ready.  make run  →  http://$(RUN_ADDR)/"

run: setup ## 启动开发服务器和后台任务进程 / Set up, then start the dev server at http://127.0.0.1:8000 and the background worker
	$(call step,"启动开发服务器和后台任务进程 / Starting dev server at http://$(RUN_ADDR)/ and the background worker  (Ctrl-C 停止 / to stop)")
	@# The worker (manage.py db_worker: exports and other long work) runs in its own process
	@# group beside runserver and is stopped with it, however runserver ends.
	@setsid $(MANAGE) db_worker --verbosity 1 & worker=$$!; \
	trap 'kill -TERM -- -'"$$worker"' 2>/dev/null || true' EXIT; \
	$(MANAGE) runserver $(RUN_ADDR)

test: system-packages-test venv-dev messages ## 运行测试（SQLite，再 PostgreSQL）/ Run the tests on SQLite, then PostgreSQL
	$(call step,"测试 / pytest on SQLite (DATABASE_URL unset; in-memory test database)")
	env -u DATABASE_URL $(PYTEST) $(PYTEST_PARALLEL) $(PYTEST_ARGS)
	@pg_url='$(PG_DATABASE_URL)'; shown="$$(sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$$pg_url")"; \
	if reason="$$($(PY) -c '$(PG_PROBE)' "$$pg_url" 2>&1)"; then \
		msg="测试 / pytest on PostgreSQL (DATABASE_URL=$$shown)"; \
		if [ -t 1 ]; then printf '\n\033[1m==> %s\033[0m\n' "$$msg"; else printf '\n==> %s\n' "$$msg"; fi; \
		echo "DATABASE_URL=$$shown $(PYTEST) $(PYTEST_PARALLEL) $(PYTEST_ARGS)"; \
		DATABASE_URL="$$pg_url" $(PYTEST) $(PYTEST_PARALLEL) $(PYTEST_ARGS); \
	else \
		case "$${CI:-}" in \
		true | 1 | yes) \
			echo >&2; \
			echo "错误：CI 中无法连接 PostgreSQL（$$shown），PostgreSQL 测试不能跳过。" >&2; \
			echo "Error: PostgreSQL at $$shown is not reachable, and CI=$$CI requires the PostgreSQL test run." >&2; \
			echo "       $$reason" >&2; \
			exit 1;; \
		*) \
			echo; \
			echo "注意：无法连接 PostgreSQL（$$shown），跳过 PostgreSQL 测试。" ; \
			echo "Notice: PostgreSQL at $$shown is not reachable; skipping the PostgreSQL test run."; \
			echo "        ($$reason)"; \
			echo "        Start PostgreSQL or set PG_DATABASE_URL to run it. 启动 PostgreSQL 或设置 PG_DATABASE_URL 后即可运行。";; \
		esac; \
	fi

check: system-packages-run venv-dev ## 代码检查：ruff、Django check、迁移是否齐全 / Lint, Django checks, missing migrations
	$(call step,"ruff check")
	$(RUFF) check .
	$(call step,"ruff format --check")
	$(RUFF) format --check .
	$(call step,"Django check")
	$(MANAGE) check
	$(call step,"缺失的迁移 / Missing migrations")
	$(MANAGE) makemigrations --check --dry-run

format: venv-dev ## 自动格式化并修复 lint / Format code and apply ruff's fixes
	$(RUFF) format .
	$(RUFF) check --fix .
	@# A fix can leave a line to re-wrap; format once more, silently.
	@$(RUFF) format --quiet .

bench: system-packages-bench venv-dev messages ## 性能基准 / Benchmarks
	$(call step,"性能基准 / Benchmarks: roster import and export vs plain openpyxl; meeting pages on 5 years of meetings; evaluation and dues for 50 and 2000 members; other work on 5 years of activities; the year-end summary end to end vs WeasyPrint alone (throwaway SQLite); pages per role on the district data set vs the floor and the stock admin (SQLite and PostgreSQL); the district's ZIP of every branch's summary; the site under load: gunicorn on a throwaway PostgreSQL database driven by wrk")
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.roster
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.meetings
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.evaluation
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.work
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.yearend
	PG_DATABASE_URL='$(PG_DATABASE_URL)' DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.pages $(BENCH_PAGES_ARGS)
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.district_zip $(BENCH_ZIP_ARGS)
	DJANGO_SETTINGS_MODULE=branchsite.settings $(PY) -m benchmarks.load

deploy-check: venv messages ## 检查生产配置（读 ENV_FILE，见 docs/deploy.md）/ Check a production configuration from ENV_FILE
	$(call step,"生产配置检查 / Deployment check with the environment of $(ENV_FILE) only")
	$(PY) $(CURDIR)/scripts/with-env-file.py "$(ENV_FILE)" $(PY) $(CURDIR)/manage.py deploy_check

clean-db: ## 删除本地 SQLite 数据库（下次 setup 重建）/ Delete db.sqlite3 (rebuilt by the next setup)
	rm -f $(CURDIR)/db.sqlite3

clean: ## 删除 .venv、缓存与编译的翻译 / Remove .venv, caches and compiled translations
	rm -rf $(VENV) $(CURDIR)/.ruff_cache $(CURDIR)/.pytest_cache
	find $(CURDIR) -path $(CURDIR)/.git -prune -o \( -name __pycache__ -o -name '*.mo' \) -print0 | xargs -0 -r rm -rf
