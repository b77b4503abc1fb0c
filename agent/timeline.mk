# The last migration's timeline (agent/timeline.c): recording, text form,
# text/JSON/SVG renderers, and `mcmigctl timeline`.
UNIT_TESTS += test_timeline
test_timeline_SRCS := tests/unit/test_timeline.c agent/timeline.c
test_timeline_PKGS := cmocka
test_timeline_CPPFLAGS := -Itests/unit
