# make bench's own tools (tests/perf/*.sh). Host-only.
BENCH_PROGRAMS += mcmig-persist-bench
mcmig-persist-bench_SRCS := tests/perf/persist-bench.c agent/journal.c agent/store.c \
	agent/cmc-xml.c hal/modem.c hal/util.c
mcmig-persist-bench_PKGS := libxml-2.0
