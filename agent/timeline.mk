# The last migration's timeline (agent/timeline.c): recording, text form,
# text/JSON/SVG renderers, and `mcmigctl timeline`.
UNIT_TESTS += test_timeline
test_timeline_SRCS := tests/unit/test_timeline.c agent/timeline.c
test_timeline_PKGS := cmocka
test_timeline_CPPFLAGS := -Itests/unit
mcmigd_SRCS += agent/timeline.c
mcmigctl_SRCS += agent/ctl-timeline.c agent/timeline.c
mcmigctl_PKGS += gio-2.0
test_migrate_SRCS += agent/timeline.c
