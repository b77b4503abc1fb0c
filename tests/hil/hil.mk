# Hardware in the loop (issue 15): tests/hil/hil.sh runs the scenario suite on
# a board (tests/hil/README.md) or, as here, on the bench.
INTEGRATION_TESTS += tests/integration/hil-bench.sh
